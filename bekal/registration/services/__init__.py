"""Registration writes: submit the profile, run its identity check, sign the declaration.

`submit_profile` and `sign_declaration` are what the portal (and the assisted desk, with
`acting_user`) call; `run_identity_check` and `requeue_pending_checks` are what the
background jobs call (bekal.registration.tasks).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from procrastinate.exceptions import AlreadyEnqueued

from bekal.accounts.models import User
from bekal.core import crypto, fact_keepers
from bekal.core.audit import record_event
from bekal.identity.nik import check_nik_agrees, mask_nik, parse_kk, parse_nik
from bekal.identity.registry import Outcome, RegistryAnswer, get_registry
from bekal.identity.registry.answers import normalize_name
from bekal.identity.services import mark_verification_ended
from bekal.regions.models import Village
from bekal.registration.declaration import DECLARATION_VERSION, declaration_text, text_hash
from bekal.registration.errors import (
    DeclarationOutdatedError,
    DuplicateNikError,
    IdentityVerifiedError,
    InvalidProfileError,
    ProfileRequiredError,
    RegistryUnavailableError,
    VillageNotFoundError,
)
from bekal.registration.identity_tickets import open_identity_ticket, resolve_identity_tickets
from bekal.registration.models import (
    Declaration,
    DuplicateNikAttempt,
    Education,
    EmploymentStatus,
    IdentityCheck,
    Profile,
    Sex,
)
from bekal.registration.services.citizenship import (
    recheck_citizenship_batch as recheck_citizenship_batch,
)
from bekal.registration.services.citizenship import (
    start_citizenship_recheck as start_citizenship_recheck,
)

logger = logging.getLogger(__name__)

NIK_UNIQUE = "registration_profile_nik_unique"
#: A pending check whose last attempt is older than this is deferred again by the sweep.
PENDING_CHECK_REQUEUE_AFTER = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class ProfileInput:
    """The profile as typed. Region codes are dotted Kemendagri codes."""

    nik: str
    kk: str
    full_name: str
    birth_place: str
    birth_date: dt.date
    sex: str
    ktp_street: str
    ktp_village_code: str
    domicile_same_as_ktp: bool
    education: str
    employment_status: str
    in_school: bool
    in_excluded_occupation: bool
    domicile_street: str = ""
    domicile_village_code: str = ""


# --- the profile --------------------------------------------------------------------------


def submit_profile(
    *,
    user: User,
    data: ProfileInput,
    ip: str | None = None,
    acting_user: User | None = None,
) -> Profile:
    """Save the participant's profile (first time or corrected) and start its identity check.

    Refusals (nothing saved): the NIK/KK parser's errors (their own codes), a NIK that
    disagrees with the birth date, sex or KTP regency typed, VillageNotFoundError,
    InvalidProfileError, IdentityVerifiedError, and DuplicateNikError, whose attempt is
    recorded after the refusal has rolled the submission back (so the record stays;
    a caller that wraps this call in its own transaction and rolls it back loses it).
    """
    try:
        return _save_profile(user=user, data=data, ip=ip, acting_user=acting_user)
    except DuplicateNikError as refusal:
        _record_duplicate_nik_attempt(
            user=user, nik_index=refusal.nik_index, ip=ip, acting_user=acting_user
        )
        raise


@transaction.atomic
def _record_duplicate_nik_attempt(
    *, user: User, nik_index: str, ip: str | None, acting_user: User | None
) -> None:
    attempt = DuplicateNikAttempt.objects.create(nik_index=nik_index, user=user, ip=ip)
    holder = Profile.objects.filter(nik_index=nik_index).values_list("user_id", flat=True).first()
    record_event(
        action="registration.duplicate_nik_refused",
        actor=acting_user or user,
        subject_user=user,
        target=attempt,
        ip_address=ip,
        holder_user_id=holder,
    )


@transaction.atomic
def _save_profile(
    *, user: User, data: ProfileInput, ip: str | None, acting_user: User | None
) -> Profile:
    nik = parse_nik(data.nik)
    kk = parse_kk(data.kk)
    full_name = _required_text(data.full_name, field="full_name", max_length=150)
    birth_place = _required_text(data.birth_place, field="birth_place", max_length=100)
    ktp_street = _required_text(data.ktp_street, field="ktp_street", max_length=255)
    _require_choice(data.sex, Sex.values, field="sex")
    _require_choice(data.education, Education.values, field="education")
    _require_choice(data.employment_status, EmploymentStatus.values, field="employment_status")
    ktp_village = _village(data.ktp_village_code, field="ktp_village")
    check_nik_agrees(
        nik,
        birth_date=data.birth_date,
        sex=data.sex,  # type: ignore[arg-type]  # checked against Sex.values above
        regency_code=ktp_village.district.regency_id,
    )
    if data.domicile_same_as_ktp:
        domicile_village, domicile_street = ktp_village, ktp_street
    else:
        domicile_village = _village(data.domicile_village_code, field="domicile_village")
        domicile_street = _required_text(
            data.domicile_street, field="domicile_street", max_length=255
        )

    nik_index = crypto.blind_index(nik.nik, purpose="nik")
    if Profile.objects.filter(nik_index=nik_index).exclude(user=user).exists():
        raise DuplicateNikError(nik_index=nik_index)

    # One submission of a person at a time (a double tap must not create two profiles).
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).get()
    profile = Profile.objects.filter(user=user).first()
    check = IdentityCheck.objects.filter(profile=profile).first() if profile else None
    identity_before = _identity(profile) if profile else None
    profile = profile or Profile(user=user)
    identity_after = (nik_index, normalize_name(full_name), data.birth_date)
    if (
        check is not None
        and check.status == IdentityCheck.Status.VERIFIED
        and identity_after != identity_before
    ):
        raise IdentityVerifiedError()

    kk_index = crypto.blind_index(kk.kk, purpose="kk")
    typed = {
        "nik_index": nik_index,
        "kk_index": kk_index,
        "full_name": full_name,
        "birth_place": birth_place,
        "birth_date": data.birth_date,
        "sex": data.sex,
        "ktp_street": ktp_street,
        "ktp_village_id": ktp_village.pk,
        "domicile_same_as_ktp": data.domicile_same_as_ktp,
        "domicile_street": domicile_street,
        "domicile_village_id": domicile_village.pk,
        "education": data.education,
        "employment_status": data.employment_status,
        "in_school": data.in_school,
        "in_excluded_occupation": data.in_excluded_occupation,
    }
    if (
        profile.pk is not None
        and check is not None
        and check.status in (IdentityCheck.Status.PENDING, IdentityCheck.Status.VERIFIED)
        and all(getattr(profile, field) == value for field, value in typed.items())
    ):
        # The same profile sent again (a double tap, a retry, a second tab): it is saved
        # and its check is under way or done; nothing changes, nothing is recorded again.
        return profile

    now = timezone.now()
    profile.nik_encrypted = crypto.encrypt(nik.nik)
    profile.nik_index = nik_index
    profile.nik_masked = mask_nik(nik.nik)
    profile.kk_encrypted = crypto.encrypt(kk.kk)
    profile.kk_index = kk_index
    profile.kk_masked = mask_nik(kk.kk)
    profile.full_name = full_name
    profile.birth_place = birth_place
    profile.birth_date = data.birth_date
    profile.sex = data.sex
    profile.ktp_street = ktp_street
    profile.ktp_village = ktp_village
    profile.domicile_same_as_ktp = data.domicile_same_as_ktp
    profile.domicile_street = domicile_street
    profile.domicile_village = domicile_village
    profile.domicile_regency_id = domicile_village.district.regency_id
    profile.education = data.education
    profile.employment_status = data.employment_status
    profile.in_school = data.in_school
    profile.in_excluded_occupation = data.in_excluded_occupation
    profile.submitted_at = now
    try:
        with transaction.atomic():  # another account's submission of the same NIK, at once
            profile.save()
    except IntegrityError as exc:
        if _violated_constraint(exc) == NIK_UNIQUE:
            raise DuplicateNikError(nik_index=nik_index) from None
        raise

    check_started = _start_check_if_needed(
        profile=profile, check=check, identity_changed=identity_after != identity_before, now=now
    )
    record_event(
        action="registration.profile_submitted",
        actor=acting_user or user,
        subject_user=user,
        target=profile,
        ip_address=ip,
        first=identity_before is None,
        identity_check_round=check_started,
    )
    fact_keepers.registrants_changed(user_ids=[user.pk])
    return profile


def _violated_constraint(exc: IntegrityError) -> str | None:
    diagnostics = getattr(exc.__cause__, "diag", None)
    return getattr(diagnostics, "constraint_name", None)


def _identity(profile: Profile) -> tuple[str, str, dt.date]:
    """What the registry checks: a change of any of it needs a new check."""
    return (profile.nik_index, normalize_name(profile.full_name), profile.birth_date)


def _start_check_if_needed(
    *, profile: Profile, check: IdentityCheck | None, identity_changed: bool, now: dt.datetime
) -> int | None:
    """Start a check (or a new round of it) when the registry has to be asked; its round."""
    if check is None:
        check = IdentityCheck.objects.create(profile=profile, requested_at=now)
    elif check.status == IdentityCheck.Status.VERIFIED:
        return None
    elif check.status == IdentityCheck.Status.PENDING and not identity_changed:
        return None  # the job already queued checks the same data
    else:
        check.round += 1
        check.status = IdentityCheck.Status.PENDING
        check.mismatched_fields = []
        check.citizenship = ""
        check.attempts = 0
        check.last_attempt_at = None
        check.checked_at = None
        check.requested_at = now
        check.save()
    _defer_check(check.pk)
    return check.round


def _defer_check(check_id: int) -> bool:
    """Queue the check's job in the caller's transaction; False if one is already queued."""
    from bekal.registration.tasks import verify_identity

    try:
        with transaction.atomic():  # a refused insert must not abort the caller's transaction
            verify_identity.configure(queueing_lock=f"identity-check:{check_id}").defer(
                check_id=check_id
            )
    except AlreadyEnqueued:
        return False
    return True


def _required_text(value: str, *, field: str, max_length: int) -> str:
    text = " ".join(value.split())
    if not text:
        raise InvalidProfileError(_("This field is required."), field=field)
    if len(text) > max_length:
        raise InvalidProfileError(
            _("At most %(max)s characters, please."), field=field, max=max_length
        )
    return text


def _require_choice(value: str, choices: list[Any], *, field: str) -> None:
    if value not in choices:
        raise InvalidProfileError(_("Choose one of the options."), field=field)


def _village(code: str, *, field: str) -> Village:
    village = (
        Village.objects.select_related("district__regency").filter(code=code).first()
        if code
        else None
    )
    if village is None:
        raise VillageNotFoundError(field=field)
    return village


# --- the identity check (background jobs) ----------------------------------------------------


def run_identity_check(*, check_id: int) -> IdentityCheck | None:
    """Ask the population registry about a pending check and record its answer.

    Idempotent: a check that is no longer pending is left alone. The registry is called
    outside any transaction. When it is unavailable the check stays pending and
    RegistryUnavailableError is raised, so that the job is retried later.
    """
    with transaction.atomic():
        check = (
            IdentityCheck.objects.select_for_update()
            .select_related("profile")
            .filter(pk=check_id)
            .first()
        )
        if check is None or check.status != IdentityCheck.Status.PENDING:
            return check
        check.attempts += 1
        check.last_attempt_at = timezone.now()
        check.save(update_fields=["attempts", "last_attempt_at", "updated_at"])
        round_asked = check.round
        profile = check.profile
        nik = crypto.decrypt(profile.nik_encrypted)
        full_name, birth_date = profile.full_name, profile.birth_date
    answer = get_registry().verify(nik=nik, full_name=full_name, birth_date=birth_date)
    if answer.outcome is Outcome.UNAVAILABLE:
        raise RegistryUnavailableError(answer.detail)
    return record_identity_answer(check_id=check_id, round_asked=round_asked, answer=answer)


_STATUS_OF = {
    Outcome.MATCH: IdentityCheck.Status.VERIFIED,
    Outcome.MISMATCH: IdentityCheck.Status.MISMATCH,
    Outcome.NOT_FOUND: IdentityCheck.Status.NOT_FOUND,
}


@transaction.atomic
def record_identity_answer(
    *, check_id: int, round_asked: int, answer: RegistryAnswer
) -> IdentityCheck | None:
    """Record the registry's answer, unless the profile was resubmitted meanwhile."""
    check = IdentityCheck.objects.select_for_update().select_related("profile").get(pk=check_id)
    if check.round != round_asked or check.status != IdentityCheck.Status.PENDING:
        return check  # an answer about data that is no longer the profile's
    check.status = _STATUS_OF[answer.outcome]
    check.mismatched_fields = list(answer.mismatched_fields)
    check.citizenship = str(answer.citizenship or "") if answer.outcome is Outcome.MATCH else ""
    check.checked_at = timezone.now()
    check.save()
    record_event(
        action="registration.identity_checked",
        subject_user=check.profile.user,
        target=check,
        outcome=str(answer.outcome),
        mismatched_fields=check.mismatched_fields,
        citizenship=check.citizenship,
        round=check.round,
    )
    fact_keepers.registrants_changed(user_ids=[check.profile.user_id])
    if check.status in (IdentityCheck.Status.MISMATCH, IdentityCheck.Status.NOT_FOUND):
        open_identity_ticket(check=check)
    if check.status == IdentityCheck.Status.VERIFIED:
        resolve_identity_tickets(check=check)
        # Identity is settled: the KTP photo and selfie are kept only for the retention
        # period from now on.
        mark_verification_ended(owner=check.profile.user, ended_at=check.checked_at)
    return check


def requeue_pending_checks(
    *, older_than: timedelta = PENDING_CHECK_REQUEUE_AFTER, limit: int = 2000
) -> int:
    """Queue a job again for pending checks left behind (retries exhausted, worker lost).

    A check whose job is still queued (waiting for its next retry) is skipped by the job's
    queueing lock. Returns the number of jobs queued.
    """
    cutoff = timezone.now() - older_than
    stale = (
        IdentityCheck.objects.filter(status=IdentityCheck.Status.PENDING)
        .filter(
            Q(last_attempt_at__lt=cutoff) | Q(last_attempt_at__isnull=True, requested_at__lt=cutoff)
        )
        .order_by("requested_at")
        .values_list("pk", flat=True)[:limit]
    )
    queued = 0
    for check_id in list(stale):
        queued += _defer_check(check_id)
    if queued:
        logger.info("requeued %s pending identity checks", queued)
    return queued


# --- the declaration ----------------------------------------------------------------------------


@transaction.atomic
def sign_declaration(
    *,
    user: User,
    version: str,
    ip: str | None = None,
    acting_user: User | None = None,
) -> Declaration:
    """Record that the participant accepted the declaration `version` as shown to them.

    The text's hash is taken in the active language (the one the page was shown in).
    """
    # Locked: the same acceptance sent twice at once waits here and then finds the first.
    profile = Profile.objects.select_for_update().filter(user=user).first()
    if profile is None:
        raise ProfileRequiredError()
    if version != DECLARATION_VERSION:
        raise DeclarationOutdatedError()
    language = translation.get_language() or "id"
    signed = Declaration.objects.filter(user=user).first()
    if (
        signed is not None
        and signed.version == version
        and signed.language == language
        and signed.accepted_at >= profile.submitted_at
    ):
        return signed  # the same acceptance sent twice (a double tap)
    declaration = Declaration.objects.create(
        user=user,
        version=version,
        language=language,
        text_hash=text_hash(declaration_text(version)),
        accepted_at=timezone.now(),
        ip=ip,
    )
    record_event(
        action="registration.declaration_signed",
        actor=acting_user or user,
        subject_user=user,
        target=declaration,
        ip_address=ip,
        version=version,
        language=language,
    )
    return declaration
