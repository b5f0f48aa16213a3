"""Assisted registration at a desk: the portal's own services, called with the officer as
`acting_user`, every record stamped with the desk and the officer.

    registration = start_assisted_registration(officer=o, full_name="Siti", phone="0812...")
    activate_assisted_account(officer=o, registration=registration, code="123456")
    submit_assisted_profile(officer=o, registration=registration, data=profile_input)
    upload_assisted_photo(officer=o, registration=registration, kind="ktp_photo", uploaded_file=f)
    sign_assisted_declaration(officer=o, registration=registration, version="2026-01")

The citizen keeps the keys: the account is a phone-number account with no password; the
citizen activates it with the code the SMS brings to their own phone and sets the
password later, alone (bekal.accounts.phone_accounts). Nothing here takes a password.
Against brokers: daily limits per desk and per officer, flags for a desk's volume out of
line and for a phone number serving many NIKs, and an SMS to the citizen saying where and
by whom they were registered and how to complain.
"""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from bekal.accounts.models import User
from bekal.accounts.phone_accounts import (
    activate_phone_account,
    find_phone_account,
    open_phone_account,
)
from bekal.accounts.phone_verification import resend_phone_code
from bekal.accounts.selectors import count_accounts_with_phone
from bekal.core.audit import record_event
from bekal.core.links import portal_links
from bekal.desks import selectors
from bekal.desks.errors import (
    AccountNotActivatedError,
    DeskDailyLimitError,
    OfficerDailyLimitError,
)
from bekal.desks.models import AssistedRegistration, AssistedStep, Desk, DeskFlag
from bekal.identity import services as identity_services
from bekal.identity.models import IdentityDocument
from bekal.notifications.services import queue_sms
from bekal.registration import services as registration_services
from bekal.registration.models import Declaration, Profile

DESK_NOTICE_KIND = "desk_registration_notice"


@transaction.atomic
def start_assisted_registration(
    *, officer: User, full_name: str, phone: str, ip: str | None = None
) -> AssistedRegistration:
    """Open a phone-number account for a walk-in citizen at the officer's desk; the SMS
    code that activates it goes to the citizen's phone.

    The same citizen sent again before activation (a double tap) gets the same
    registration. Refusals: NotDeskOfficerError, DeskDailyLimitError,
    OfficerDailyLimitError, and those of bekal.accounts.phone_accounts.open_phone_account.
    """
    desk = selectors.require_officer_desk(officer=officer)
    # One start at a desk at a time: two officers' last places of the day cannot both pass.
    Desk.objects.select_for_update().filter(pk=desk.pk).values_list("pk", flat=True).get()
    existing = find_phone_account(phone=phone)
    if existing is not None:
        again = AssistedRegistration.objects.filter(
            citizen=existing, desk=desk, activated_at__isnull=True
        ).first()
        if again is not None and existing.full_name == " ".join(full_name.split()):
            return again
    day = selectors.today()
    counts = selectors.get_day_counts(desk=desk, officer=officer, day=day)
    if counts.desk >= counts.desk_limit:
        raise DeskDailyLimitError(limit=counts.desk_limit)
    if counts.officer >= counts.officer_limit:
        raise OfficerDailyLimitError(limit=counts.officer_limit)
    citizen = open_phone_account(
        full_name=full_name,
        phone=phone,
        acting_user=officer,
        desk_name=desk.name,
        ip=ip,
    )
    registration = AssistedRegistration.objects.create(
        desk=desk, officer=officer, citizen=citizen, day=day
    )
    _stamp(registration, officer=officer, step=AssistedStep.Step.ACCOUNT_OPENED, record=citizen)
    record_event(
        action="desk.registration_started",
        actor=officer,
        subject_user=citizen,
        target=registration,
        ip_address=ip,
        desk_id=desk.pk,
    )
    _flag_volume(desk=desk, day=day, count=counts.desk + 1)
    return registration


@transaction.atomic
def resend_activation_code(
    *, officer: User, registration: AssistedRegistration, ip: str | None = None
) -> None:
    """A new activation code to the citizen's phone (the SMS send limits apply)."""
    if registration.activated_at is not None:
        return
    resend_phone_code(user=registration.citizen, ip=ip, desk_name=registration.desk.name)


def activate_assisted_account(
    *, officer: User, registration: AssistedRegistration, code: str, ip: str | None = None
) -> AssistedRegistration:
    """The citizen typed the code their phone received: the account is activated, and the
    citizen is told by SMS where and by whom they were registered. Idempotent.

    Call outside a transaction: a wrong code is committed as a try before the refusal.
    """
    if registration.activated_at is not None:
        return registration
    activate_phone_account(user=registration.citizen, code=code, acting_user=officer, ip=ip)
    with transaction.atomic():
        registration = (
            AssistedRegistration.objects.select_for_update()
            .select_related("desk", "officer", "citizen")
            .get(pk=registration.pk)
        )
        if registration.activated_at is not None:
            return registration
        registration.activated_at = timezone.now()
        registration.save(update_fields=["activated_at"])
        _stamp(
            registration,
            officer=officer,
            step=AssistedStep.Step.ACCOUNT_ACTIVATED,
            record=registration.citizen,
        )
        record_event(
            action="desk.account_activated",
            actor=officer,
            subject_user=registration.citizen,
            target=registration,
            ip_address=ip,
            desk_id=registration.desk_id,
        )
        _queue_desk_notice(registration)
        _flag_shared_phone(registration, officer=officer)
    return registration


def _require_activated(registration: AssistedRegistration) -> None:
    if registration.activated_at is None:
        raise AccountNotActivatedError()


def submit_assisted_profile(
    *,
    officer: User,
    registration: AssistedRegistration,
    data: registration_services.ProfileInput,
    ip: str | None = None,
) -> Profile:
    """The portal's profile service for the citizen, with the officer as `acting_user`.

    Not wrapped in a transaction of its own: a refused duplicate NIK is recorded by the
    registration service after its rollback, and must stay recorded.
    """
    _require_activated(registration)
    profile = registration_services.submit_profile(
        user=registration.citizen, data=data, ip=ip, acting_user=officer
    )
    with transaction.atomic():
        _stamp(
            registration, officer=officer, step=AssistedStep.Step.PROFILE_SUBMITTED, record=profile
        )
    return profile


@transaction.atomic
def upload_assisted_photo(
    *,
    officer: User,
    registration: AssistedRegistration,
    kind: str,
    uploaded_file: IO[bytes] | Any,
    ip: str | None = None,
) -> IdentityDocument:
    """A photo from the desk's camera, straight into Bekal's encrypted storage."""
    _require_activated(registration)
    document = identity_services.upload_document(
        owner=registration.citizen,
        kind=kind,
        uploaded_file=uploaded_file,
        acting_user=officer,
        ip=ip,
    )
    _stamp(registration, officer=officer, step=AssistedStep.Step.DOCUMENT_UPLOADED, record=document)
    return document


@transaction.atomic
def sign_assisted_declaration(
    *, officer: User, registration: AssistedRegistration, version: str, ip: str | None = None
) -> Declaration:
    """The citizen accepted the declaration read at the desk; the registration is done."""
    _require_activated(registration)
    declaration = registration_services.sign_declaration(
        user=registration.citizen, version=version, ip=ip, acting_user=officer
    )
    registration = AssistedRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.finished_at is None:
        registration.finished_at = timezone.now()
        registration.save(update_fields=["finished_at"])
        record_event(
            action="desk.registration_finished",
            actor=officer,
            subject_user=registration.citizen,
            target=registration,
            ip_address=ip,
            desk_id=registration.desk_id,
        )
    _stamp(
        registration, officer=officer, step=AssistedStep.Step.DECLARATION_SIGNED, record=declaration
    )
    return declaration


# --- internals ----------------------------------------------------------------------------


def _stamp(
    registration: AssistedRegistration, *, officer: User, step: str, record: models.Model
) -> AssistedStep:
    stamp, _created = AssistedStep.objects.get_or_create(
        registration=registration,
        step=step,
        record_type=record._meta.label_lower,
        record_id=str(record.pk),
        defaults={"desk_id": registration.desk_id, "officer": officer},
    )
    return stamp


def desk_notice_text(*, registration: AssistedRegistration, language: str) -> str:
    """The SMS that tells the citizen where, when and by whom they were registered."""
    desk = registration.desk
    with translation.override(language):
        when = date_format(timezone.localtime(registration.started_at), "j M Y H:i")
        return gettext(
            "Bekal: you were registered on %(when)s WIB at %(desk)s by officer %(officer)s. "
            "Registration is free: nobody may ask you for money, codes or your password. "
            "Set your own password at %(link)s. Complaints: %(complaints)s"
        ) % {
            "when": when,
            "desk": desk.name,
            "officer": registration.officer.full_name,
            "link": portal_links().phone_password(),
            "complaints": complaints_line(),
        }


def complaints_line() -> str:
    """Where a citizen complains of the desk: Bekal's own help pages (/bantuan/), unless
    DESK_COMPLAINTS names another line."""
    return str(settings.BEKAL_DESK_COMPLAINTS) or portal_links().care()


def _queue_desk_notice(registration: AssistedRegistration) -> None:
    citizen = registration.citizen
    queue_sms(
        to=citizen.message_phone(),
        kind=DESK_NOTICE_KIND,
        body=desk_notice_text(registration=registration, language=citizen.language),
        user=citizen,
    )


def _flag_volume(*, desk: Desk, day: dt.date, count: int) -> None:
    """Flag the desk's day when its count is out of line with the desk's own past days:
    above BEKAL_DESK_VOLUME_FACTOR times its average active day over the last
    BEKAL_DESK_VOLUME_WINDOW_DAYS days, and above BEKAL_DESK_VOLUME_MINIMUM."""
    window_start = day - dt.timedelta(days=settings.BEKAL_DESK_VOLUME_WINDOW_DAYS)
    past = (
        AssistedRegistration.objects.filter(desk=desk, day__gte=window_start, day__lt=day)
        .values("day")
        .annotate(n=Count("id"))
    )
    per_day = [row["n"] for row in past]
    baseline = sum(per_day) / len(per_day) if per_day else 0.0
    threshold = max(
        settings.BEKAL_DESK_VOLUME_MINIMUM, settings.BEKAL_DESK_VOLUME_FACTOR * baseline
    )
    if count <= threshold:
        return
    flag, created = DeskFlag.objects.update_or_create(
        desk=desk,
        kind=DeskFlag.Kind.VOLUME,
        day=day,
        phone_masked="",
        defaults={"count": count, "baseline": baseline},
    )
    if created:
        record_event(
            action="desk.volume_flagged",
            target=flag,
            desk_id=desk.pk,
            count=count,
            baseline=round(baseline, 1),
        )


def _flag_shared_phone(registration: AssistedRegistration, *, officer: User) -> None:
    """Flag a number that other accounts verified too: at a desk, one number for several
    NIKs is how a broker keeps control of the accounts he opened."""
    citizen = registration.citizen
    index = citizen.login_phone_index or ""
    count = count_accounts_with_phone(phone_index=index)
    if count <= 1:
        return
    flag, _created = DeskFlag.objects.update_or_create(
        desk=registration.desk,
        kind=DeskFlag.Kind.SHARED_PHONE,
        day=registration.day,
        phone_masked=citizen.login_phone_masked,
        defaults={"count": count, "officer": officer, "reviewed_at": None},
    )
    record_event(
        action="desk.shared_phone_flagged",
        actor=officer,
        subject_user=citizen,
        target=flag,
        desk_id=registration.desk_id,
        phone=citizen.login_phone_masked,
        account_count=count,
    )
