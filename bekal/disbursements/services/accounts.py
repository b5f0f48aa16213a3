"""Linking and changing a payout account.

    request_account_link(user=u, channel="ovo", number="0812...")  # inquiry, name, SMS code
    confirm_account_link(user=u, code="123456")                    # the account is in use

The provider's account inquiry returns the holder's name, compared with the name on the
KTP (bekal.disbursements.names): NO_MATCH and NOT_POSSIBLE are refused with what to do;
MATCH becomes the account in use once the code is given; CLOSE_MATCH too, after the
person confirms in the same step that it is theirs (or an officer confirms it). An
e-wallet's number must be the account's verified phone. Linking and every change need a
fresh code sent by SMS to the verified phone; a change has a cooldown and is audited.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from bekal.accounts.models import User
from bekal.accounts.phone_numbers import parse_mobile_number
from bekal.accounts.phone_verification import code_message
from bekal.accounts.selectors import get_current_phone
from bekal.core.audit import record_event
from bekal.core.crypto import blind_index, decrypt, encrypt
from bekal.disbursements import errors
from bekal.disbursements.care_seam import (
    record_close_match_waiting,
    record_name_mismatch,
    resolve_payout_tickets,
)
from bekal.disbursements.models import EWALLETS, Instalment, LinkRequest, PayoutAccount
from bekal.disbursements.names import NameMatch, compare_names
from bekal.disbursements.providers import get_provider
from bekal.disbursements.providers.base import InquiryStatus, ProviderUnavailableError
from bekal.notifications.services import queue_sms
from bekal.registration.selectors import get_profile

CODE_KIND = "payout_account_code"
_DIGITS = re.compile(r"[\s.\-]")


def number_index(number: str) -> str:
    return blind_index(number, purpose="payout_account")


def _code_hash(code: str, salt: str) -> str:
    return blind_index(f"{salt}:{code}", purpose="payout_otp")


def _registered_name(user: User) -> str:
    profile = get_profile(user=user)
    return profile.full_name if profile is not None else user.get_full_name()


def _check_cooldown(user: User, now: dt.datetime) -> None:
    current = PayoutAccount.objects.filter(user=user, status=PayoutAccount.Status.ACTIVE).first()
    if current is None or current.activated_at is None:
        return
    # A failed payout is a reason to change at once: the cooldown guards against takeover
    # of an account that works, not against fixing one that does not.
    if Instalment.objects.filter(user=user, status=Instalment.Status.FAILED).exists():
        return
    until = current.activated_at + dt.timedelta(
        days=settings.BEKAL_PAYOUT_ACCOUNT_CHANGE_COOLDOWN_DAYS
    )
    if now < until:
        raise errors.AccountChangeTooSoonError(
            date=date_format(timezone.localtime(until), "j F Y, H:i")
        )


def request_account_link(
    *, user: User, channel: str, number: str, ip: str | None = None, now: dt.datetime | None = None
) -> LinkRequest:
    """Check the account with the provider and send a code to the verified phone.
    Refusals: see bekal.disbursements.errors (nothing is stored on a refusal, except
    a NO_MATCH, which is recorded for the programme office). The provider is called
    outside any transaction; what is stored is written in one."""
    now = now or timezone.now()
    phone = get_current_phone(user=user)
    if phone is None:
        raise errors.PhoneNotVerifiedError()
    verified_e164 = decrypt(phone.phone_encrypted)
    if channel in EWALLETS:
        try:
            e164 = parse_mobile_number(number)
        except Exception:
            raise errors.EwalletPhoneMismatchError(field="number") from None
        if e164 != verified_e164:
            raise errors.EwalletPhoneMismatchError(field="number")
        account_number = "0" + e164.removeprefix("+62")
    else:
        account_number = _DIGITS.sub("", number)
        if not re.fullmatch(r"[0-9]{10,16}", account_number):
            raise errors.AccountNumberInvalidError(field="number")
    _check_cooldown(user, now)
    try:
        inquiry = get_provider().inquire_account(channel=channel, account_number=account_number)
    except ProviderUnavailableError:
        raise errors.ProviderUnavailableRefusal() from None
    if inquiry.status == InquiryStatus.INVALID_ACCOUNT:
        raise errors.AccountNotFoundError(field="number")
    if inquiry.status == InquiryStatus.CLOSED_ACCOUNT:
        raise errors.AccountClosedError(field="number")
    comparison = compare_names(registered=_registered_name(user), holder=inquiry.holder_name)
    if comparison.result == NameMatch.NO_MATCH:
        record_name_mismatch(
            user=user,
            channel=channel,
            holder_name=inquiry.holder_name,
            number_index=number_index(account_number),
        )
        raise errors.NameMismatchError(field="number", holder=inquiry.holder_name)
    if comparison.result == NameMatch.NOT_POSSIBLE:
        raise errors.NameNotComparableError(field="number")
    with transaction.atomic():
        return _store_link_request(
            user=user,
            channel=channel,
            account_number=account_number,
            holder_name=inquiry.holder_name,
            name_match=comparison.result,
            phone=verified_e164,
            ip=ip,
            now=now,
        )


def _store_link_request(
    *,
    user: User,
    channel: str,
    account_number: str,
    holder_name: str,
    name_match: NameMatch,
    phone: str,
    ip: str | None,
    now: dt.datetime,
) -> LinkRequest:
    LinkRequest.objects.filter(user=user, status=LinkRequest.Status.PENDING).update(
        status=LinkRequest.Status.REPLACED
    )
    code = f"{secrets.randbelow(10**6):06d}"
    salt = secrets.token_hex(16)
    link = LinkRequest.objects.create(
        user=user,
        channel=channel,
        number_encrypted=encrypt(account_number),
        number_index=number_index(account_number),
        number_last4=account_number[-4:],
        holder_name=holder_name,
        name_match=name_match.value,
        code_salt=salt,
        code_hash=_code_hash(code, salt),
        created_at=now,
        expires_at=now + dt.timedelta(seconds=settings.BEKAL_OTP_TTL_SECONDS),
    )
    queue_sms(
        to=phone,
        kind=CODE_KIND,
        body=code_message(code=code, language=user.language),
        user=user,
        sensitive=True,
        expires_at=link.expires_at,
    )
    record_event(
        action="disbursements.account_link_requested",
        actor=user,
        subject_user=user,
        target=link,
        ip_address=ip,
        channel=channel,
        account=f"****{account_number[-4:]}",
        name_match=name_match.value,
    )
    return link


def confirm_account_link(
    *,
    user: User,
    code: str,
    confirms_close_name: bool = False,
    ip: str | None = None,
    now: dt.datetime | None = None,
) -> PayoutAccount:
    """The code from the SMS makes the requested account the one in use (the previous
    one is retired). A wrong code is counted (and committed) before it is refused."""
    now = now or timezone.now()
    with transaction.atomic():
        link = (
            LinkRequest.objects.select_for_update()
            .filter(user=user)
            .order_by("-created_at", "-pk")
            .first()
        )
        if link is None or link.status != LinkRequest.Status.PENDING:
            raise errors.LinkNotRequestedError()
        wrong = not secrets.compare_digest(link.code_hash, _code_hash(code.strip(), link.code_salt))
        if wrong or now > link.expires_at:
            link.attempts += 1
            if link.attempts >= settings.BEKAL_OTP_MAX_ATTEMPTS:
                link.status = LinkRequest.Status.BLOCKED
            link.save(update_fields=["attempts", "status"])
    if wrong or now > link.expires_at:
        raise errors.LinkCodeWrongError(field="code")
    return _activate(link=link, user=user, confirms_close_name=confirms_close_name, ip=ip, now=now)


@transaction.atomic
def _activate(
    *, link: LinkRequest, user: User, confirms_close_name: bool, ip: str | None, now: dt.datetime
) -> PayoutAccount:
    link = LinkRequest.objects.select_for_update().get(pk=link.pk)
    if link.status != LinkRequest.Status.PENDING:  # a double submission: the first won
        account = PayoutAccount.objects.filter(user=user).order_by("-pk").first()
        if account is None:
            raise errors.LinkNotRequestedError()
        return account
    close = link.name_match == NameMatch.CLOSE_MATCH
    status = (
        PayoutAccount.Status.AWAITING_CONFIRMATION
        if close and not confirms_close_name
        else PayoutAccount.Status.ACTIVE
    )
    previous = list(
        PayoutAccount.objects.select_for_update().filter(
            user=user,
            status__in=[PayoutAccount.Status.ACTIVE, PayoutAccount.Status.AWAITING_CONFIRMATION],
        )
    )
    if status == PayoutAccount.Status.ACTIVE:
        for old in previous:
            old.status = PayoutAccount.Status.RETIRED
            old.retired_at = now
            old.save(update_fields=["status", "retired_at", "updated_at"])
    account = PayoutAccount.objects.create(
        user=user,
        channel=link.channel,
        number_encrypted=link.number_encrypted,
        number_index=link.number_index,
        number_last4=link.number_last4,
        holder_name=link.holder_name,
        name_match=link.name_match,
        status=status,
        confirmed_by=user if close and confirms_close_name else None,
        activated_at=now if status == PayoutAccount.Status.ACTIVE else None,
    )
    link.status = LinkRequest.Status.USED
    link.save(update_fields=["status"])
    if status == PayoutAccount.Status.ACTIVE:
        reopen_failed_instalments(user=user, now=now)
        resolve_payout_tickets(user=user)
    else:
        record_close_match_waiting(account=account)
    record_event(
        action="disbursements.account_changed" if previous else "disbursements.account_linked",
        actor=user,
        subject_user=user,
        target=account,
        ip_address=ip,
        channel=account.channel,
        account=account.masked_number,
        name_match=account.name_match,
        replaced=[a.pk for a in previous],
    )
    return account


@transaction.atomic
def confirm_close_match(*, account: PayoutAccount, officer: User) -> PayoutAccount:
    """An officer confirms a close holder name: the account is put in use."""
    account = PayoutAccount.objects.select_for_update().get(pk=account.pk)
    if account.status != PayoutAccount.Status.AWAITING_CONFIRMATION:
        return account
    now = timezone.now()
    PayoutAccount.objects.filter(user=account.user, status=PayoutAccount.Status.ACTIVE).update(
        status=PayoutAccount.Status.RETIRED, retired_at=now, updated_at=now
    )
    account.status = PayoutAccount.Status.ACTIVE
    account.confirmed_by = officer
    account.activated_at = now
    account.save(update_fields=["status", "confirmed_by", "activated_at", "updated_at"])
    reopen_failed_instalments(user=account.user, now=now)
    resolve_payout_tickets(user=account.user)
    record_event(
        action="disbursements.account_name_confirmed",
        actor=officer,
        subject_user=account.user,
        target=account,
        holder_name=account.holder_name,
    )
    return account


def reopen_failed_instalments(*, user: User, now: dt.datetime) -> int:
    """A new account puts failed instalments back in line (their money is payable)."""
    return Instalment.objects.filter(user=user, status=Instalment.Status.FAILED).update(
        status=Instalment.Status.DUE, batch=None, updated_at=now
    )
