"""What programme-office staff and regional officers may see of registrants.

The programme office sees everyone; an officer of a regional labour office sees only the
registrants whose domicile is in the officer's regency/city. Every opening of a
registrant's record, every page of the list and every search is written to the audit
log, with any number in the query masked; a refused attempt to open a record is audited
too, and a burst of them raises an alert the programme office sees. A search is held
server-side, encrypted, under an opaque id: its text never reaches a URL or the session.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bekal.accounts.models import PhoneFlag, User
from bekal.accounts.selectors import get_current_phone, get_phone_status
from bekal.core import crypto
from bekal.core.audit import record_event
from bekal.core.errors import NotFoundError, PermissionDeniedError
from bekal.core.masking import mask_numbers
from bekal.core.models import AuditEvent, StaffAlert, StaffSearch
from bekal.identity.models import DocumentReuseFlag, IdentityDocument
from bekal.identity.selectors import get_documents, list_reuse_flags
from bekal.participants.journey import Journey, get_journey
from bekal.registration.models import Declaration, DuplicateNikAttempt, IdentityCheck, Profile
from bekal.registration.selectors import get_declaration, get_identity_check

_NIK = re.compile(r"[0-9]{16}")


class NotStaffError(PermissionDeniedError):
    code = "not_staff"
    message = _("This page is for programme staff and regional officers.")


class RegistrantNotFoundError(NotFoundError):
    code = "registrant_not_found"
    message = _("No registrant with this number in your region.")


def is_staff_viewer(user: User) -> bool:
    return user.is_authenticated and (
        user.is_superuser
        or user.role == User.Role.PROGRAMME_ADMIN
        or (user.role == User.Role.REGIONAL_OFFICER and user.region_id is not None)
    )


def _scope(viewer: User) -> QuerySet[Profile]:
    if not is_staff_viewer(viewer):
        raise NotStaffError()
    profiles = Profile.objects.select_related(
        "user", "domicile_regency", "domicile_village__district", "identity_check"
    )
    if is_programme_office(viewer):
        return profiles
    return profiles.filter(domicile_regency_id=viewer.region_id)


def masked_query(text: str) -> str:
    """The query as pages and the audit log may show it: numbers masked."""
    return mask_numbers(text)


def _search_lifetime() -> timedelta:
    return timedelta(seconds=settings.BEKAL_STAFF_SEARCH_LIFETIME_SECONDS)


@transaction.atomic
def hold_search(*, viewer: User, text: str) -> str:
    """Keep a search's text encrypted under a new opaque id, returned for the URL."""
    if not is_staff_viewer(viewer):
        raise NotStaffError()
    StaffSearch.objects.filter(created_at__lt=timezone.now() - _search_lifetime()).delete()
    token = secrets.token_urlsafe(16)
    StaffSearch.objects.create(
        token=token, viewer=viewer, text_encrypted=crypto.encrypt(" ".join(text.split())[:100])
    )
    return token


def get_held_search(*, viewer: User, token: str) -> str:
    """The text of the viewer's own held search; "" for an unknown, foreign or old id."""
    held = StaffSearch.objects.filter(
        token=token[:32], viewer=viewer, created_at__gte=timezone.now() - _search_lifetime()
    ).first()
    return crypto.decrypt(held.text_encrypted) if held else ""


def _matching(viewer: User, text: str) -> QuerySet[Profile]:
    profiles = _scope(viewer)
    digits = re.sub(r"[\s.\-]", "", text)
    if _NIK.fullmatch(digits):
        profiles = profiles.filter(nik_index=crypto.blind_index(digits, purpose="nik"))
    elif "@" in text:
        profiles = profiles.filter(user__email=text.lower())
    elif text:
        profiles = profiles.filter(full_name__icontains=text)
    return profiles.order_by("-submitted_at", "-id")


@transaction.atomic
def list_registrants(
    *, viewer: User, text: str = "", page: str | int | None = None, ip: str | None = None
) -> Page:
    """One page (50) of registrants in the viewer's scope, matching `text` if given: a
    NIK (exact, any separators), an email, or part of the name.

    The page shown is audited: who saw which registrants (their profile ids) and the
    masked query.
    """
    text = " ".join(text.split())
    shown = Paginator(_matching(viewer, text), 50).get_page(page)
    record_event(
        action="registrants.searched" if text else "registrants.listed",
        actor=viewer,
        ip_address=ip,
        query=masked_query(text),
        page=shown.number,
        profile_ids=[profile.pk for profile in shown.object_list],
    )
    return shown


def open_registrant(*, viewer: User, profile_id: int, ip: str | None = None) -> Profile:
    """A registrant's record for staff: checked against the viewer's region, audited.

    A refusal (a record outside the viewer's region, or none at all) is audited as well,
    and a burst of refusals raises a StaffAlert for the programme office.
    """
    with transaction.atomic():
        profile = _scope(viewer).filter(pk=profile_id).first()
        if profile is not None:
            record_event(
                action="registrant.record_opened",
                actor=viewer,
                subject_user=profile.user,
                target=profile,
                ip_address=ip,
            )
            return profile
        _record_refused_read(viewer=viewer, profile_id=profile_id, ip=ip)
    raise RegistrantNotFoundError()


REFUSED_READ = "registrant.record_refused"


def _record_refused_read(*, viewer: User, profile_id: int, ip: str | None) -> None:
    record_event(
        action=REFUSED_READ,
        actor=viewer,
        ip_address=ip,
        profile_id=profile_id,
        region=viewer.region_id or "",
    )
    now = timezone.now()
    since = now - timedelta(seconds=settings.BEKAL_REFUSED_READS_WINDOW_SECONDS)
    recent = AuditEvent.objects.filter(actor=viewer, action=REFUSED_READ, occurred_at__gte=since)
    count = recent.count()
    if count < settings.BEKAL_REFUSED_READS_BURST:
        return
    alert = (
        StaffAlert.objects.select_for_update()
        .filter(kind=StaffAlert.Kind.REFUSED_READS, actor=viewer, last_at__gte=since)
        .first()
    )
    if alert is None:
        first = recent.order_by("occurred_at").values_list("occurred_at", flat=True).first()
        StaffAlert.objects.create(
            kind=StaffAlert.Kind.REFUSED_READS,
            actor=viewer,
            count=count,
            first_at=first or now,
            last_at=now,
        )
        record_event(action="staff.alert_raised", actor=viewer, kind="refused_reads", count=count)
    else:
        alert.count += 1
        alert.last_at = now
        alert.save(update_fields=["count", "last_at"])


def is_programme_office(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role == User.Role.PROGRAMME_ADMIN)


def count_recent_staff_alerts(*, viewer: User) -> int:
    """Alerts of the last 7 days, for the programme office's link to them (0 for others)."""
    if not is_programme_office(viewer):
        return 0
    return StaffAlert.objects.filter(last_at__gte=timezone.now() - timedelta(days=7)).count()


def list_staff_alerts(*, viewer: User) -> QuerySet[StaffAlert]:
    """Alerts about staff behaviour, for the programme office only."""
    if not is_programme_office(viewer):
        raise NotStaffError()
    return StaffAlert.objects.select_related("actor", "actor__region")[:200]


@dataclass(frozen=True)
class OtherAccount:
    """Another account, as a reviewer follows it: its registration record if it has one."""

    user_id: int
    profile_id: int | None
    nik_masked: str


@dataclass(frozen=True)
class PhotoMatch:
    """One of the registrant's kinds of photo (KTP photo, selfie) and the other accounts
    holding a photo that matches it, however many flags were raised."""

    kind: str
    kind_label: str
    others: list[OtherAccount]


def _photo_matches(user: User, flags: list[DocumentReuseFlag]) -> list[PhotoMatch]:
    by_kind: dict[str, dict[int, None]] = {}
    labels: dict[str, str] = {}
    for flag in flags:
        mine, other = flag.document, flag.matched_document
        if mine.owner_id != user.pk:
            mine, other = other, mine
        if other.owner_id == user.pk:
            continue  # the person's own earlier photo
        by_kind.setdefault(mine.kind, {})[other.owner_id] = None
        labels[mine.kind] = str(mine.get_kind_display())
    owners = {owner for others in by_kind.values() for owner in others}
    profiles = {
        user_id: (pk, nik_masked)
        for pk, user_id, nik_masked in Profile.objects.filter(user_id__in=owners).values_list(
            "pk", "user_id", "nik_masked"
        )
    }
    return [
        PhotoMatch(
            kind=kind,
            kind_label=labels[kind],
            others=[
                OtherAccount(
                    user_id=owner,
                    profile_id=profiles.get(owner, (None, ""))[0],
                    nik_masked=profiles.get(owner, (None, ""))[1],
                )
                for owner in others
            ],
        )
        for kind, others in sorted(by_kind.items())
    ]


@dataclass(frozen=True)
class RegistrantRecord:
    profile: Profile
    journey: Journey
    check: IdentityCheck | None
    declaration: Declaration | None
    documents: dict[str, IdentityDocument | None]
    phone_masked: str
    duplicate_nik_attempts: int
    #: Photos that match another account's, one entry per kind of photo.
    photo_matches: list[PhotoMatch]
    phone_shared_by: int


def get_registrant_record(*, profile: Profile) -> RegistrantRecord:
    """Everything a staff member reviews on one registrant (call open_registrant first)."""
    user = profile.user
    phone = get_current_phone(user=user)
    flag = PhoneFlag.objects.filter(phone_index=phone.phone_index).first() if phone else None
    return RegistrantRecord(
        profile=profile,
        journey=get_journey(user=user),
        check=get_identity_check(user=user),
        declaration=get_declaration(user=user),
        documents=get_documents(owner=user),
        phone_masked=get_phone_status(user=user).masked_number,
        duplicate_nik_attempts=DuplicateNikAttempt.objects.filter(
            nik_index=profile.nik_index
        ).count(),
        photo_matches=_photo_matches(user, list(list_reuse_flags(owner=user))),
        phone_shared_by=flag.account_count if flag else 0,
    )
