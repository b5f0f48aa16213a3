"""Registration reads: what the journey status page and the steps' pages show."""

from __future__ import annotations

from bekal.accounts.models import User
from bekal.accounts.selectors import get_phone_status
from bekal.core import crypto
from bekal.identity.selectors import documents_complete
from bekal.registration.declaration import DECLARATION_VERSION
from bekal.registration.models import Declaration, IdentityCheck, Profile


def get_profile(*, user: User) -> Profile | None:
    """The participant's submitted profile with its regions, or None before the first one.

    NIK and KK are there masked (`nik_masked`, `kk_masked`); see get_own_nik.
    """
    return (
        Profile.objects.select_related(
            "ktp_village__district__regency__province",
            "domicile_village__district__regency__province",
            "domicile_regency",
        )
        .filter(user=user)
        .first()
    )


def get_identity_check(*, user: User) -> IdentityCheck | None:
    """The population-registry check of the participant's profile; None before a profile.

    `status` (IdentityCheck.Status: pending / verified / mismatch / not_found),
    `mismatched_fields` and `mismatched_labels` (the reasons), `attempts`,
    `last_attempt_at`, `checked_at`.
    """
    return IdentityCheck.objects.filter(profile__user=user).first()


def get_declaration(*, user: User) -> Declaration | None:
    """The participant's declaration if it still holds, else None (the step is to do).

    It holds when it is of the current version and was signed after the profile was last
    submitted: changed data must be declared true again.
    """
    declaration = Declaration.objects.filter(user=user).first()
    if declaration is None or declaration.version != DECLARATION_VERSION:
        return None
    submitted = Profile.objects.filter(user=user).values_list("submitted_at", flat=True).first()
    if submitted is None or declaration.accepted_at < submitted:
        return None
    return declaration


def get_own_nik(*, user: User) -> str | None:
    """The participant's own NIK in clear, for the participant alone (never for staff)."""
    token = Profile.objects.filter(user=user).values_list("nik_encrypted", flat=True).first()
    return crypto.decrypt(token) if token else None


def get_own_kk(*, user: User) -> str | None:
    """The participant's own family card (KK) number in clear, for the participant alone."""
    token = Profile.objects.filter(user=user).values_list("kk_encrypted", flat=True).first()
    return crypto.decrypt(token) if token else None


def is_registration_complete(*, user: User) -> bool:
    """Every registration step is done: profile, identity verified by the registry, KTP
    photo and selfie, verified mobile number, and a declaration that still holds."""
    check = get_identity_check(user=user)
    return bool(
        check is not None
        and check.status == IdentityCheck.Status.VERIFIED
        and documents_complete(owner=user)
        and get_phone_status(user=user).verified
        and get_declaration(user=user) is not None
    )
