"""The one place where a payout problem that a person must handle becomes a care ticket.

Each problem opens an idempotent system ticket (bekal.care.services.open_system_ticket),
bound to what it is about, with the incentives page (where the payout account is linked
or changed) as the citizen's self-service link, and writes an audit event:

    NO_MATCH at account linking        payout_account ticket, subject = the citizen
    CLOSE_MATCH waiting for an officer payout_account ticket, subject = the account
    a returned payment (reconciliation) payout_instalment ticket, subject = the instalment

Breaks owned by finance or the provider stay in the break queue: the citizen can do
nothing about them. When an account is put in use, the citizen's open payout tickets
are resolved by the system (resolve_payout_tickets).
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext

from bekal.care.models import Category, SubjectKind, Ticket
from bekal.care.services import open_system_ticket, resolve_system_tickets
from bekal.core.audit import record_event
from bekal.core.links import portal_links
from bekal.disbursements.models import PayoutAccount, ReconciliationItem

#: The break kinds that need the citizen (a new account) and an officer.
CITIZEN_BREAKS = frozenset({ReconciliationItem.Kind.RETURNED})


def _region(user: Any) -> Any:
    profile = getattr(user, "registration_profile", None)
    return profile.domicile_regency if profile is not None else None


def _open(*, key: str, user: Any, subject_kind: str, subject_id: str, body: str) -> Ticket:
    still_open = (
        Ticket.objects.filter(citizen=user, subject_kind=subject_kind, subject_id=subject_id)
        .exclude(status=Ticket.Status.RESOLVED)
        .first()
    )
    if still_open is not None:
        return still_open
    return open_system_ticket(
        key=key,
        citizen=user,
        category=Category.COMPLAINT,
        subject_kind=subject_kind,
        subject_id=subject_id,
        body=body,
        self_service_url=portal_links().incentives(),
        region=_region(user),
    )


def record_name_mismatch(*, user: Any, channel: str, holder_name: str, number_index: str) -> Ticket:
    record_event(
        action="disbursements.name_mismatch",
        actor=user,
        subject_user=user,
        channel=channel,
        holder_name=holder_name,
    )
    link = portal_links().incentives()
    with translation.override(user.language):
        body = gettext(
            "The account you gave is held in another name (%(holder)s), so it cannot "
            "receive your incentive. Link an account in your own name at %(link)s. If the "
            "account is yours, reply here and an officer will help."
        ) % {"holder": holder_name, "link": link}
    return _open(
        key=f"payout_name:{user.pk}:{number_index}",
        user=user,
        subject_kind=SubjectKind.PAYOUT_ACCOUNT,
        subject_id=f"user:{user.pk}",
        body=body,
    )


def record_close_match_waiting(*, account: PayoutAccount) -> Ticket:
    user = account.user
    link = portal_links().incentives()
    with translation.override(user.language):
        body = gettext(
            "The name on your account (%(holder)s) is close to, but not the same as, your "
            "registered name. An officer will check it; until then it is not used. You "
            "can also link another account in your own name at %(link)s."
        ) % {"holder": account.holder_name, "link": link}
    return _open(
        key=f"payout_close_name:{account.pk}",
        user=user,
        subject_kind=SubjectKind.PAYOUT_ACCOUNT,
        subject_id=str(account.pk),
        body=body,
    )


def record_reconciliation_break(*, item: ReconciliationItem) -> Ticket | None:
    record_event(
        action="disbursements.reconciliation_break",
        target=item,
        kind=item.kind,
        owner=item.owner,
        external_id=item.external_id,
    )
    if item.kind not in CITIZEN_BREAKS or item.attempt is None:
        return None
    instalment = item.attempt.instalment
    user = instalment.user
    link = portal_links().incentives()
    with translation.override(user.language):
        body = gettext(
            "Your incentive payment was returned by the bank or e-wallet. Link another "
            "account in your own name at %(link)s and the payment is made again."
        ) % {"link": link}
    # One ticket per attempt: the same return on a second statement adds none.
    return _open(
        key=f"payout_returned:{item.attempt_id}",
        user=user,
        subject_kind=SubjectKind.PAYOUT_INSTALMENT,
        subject_id=str(instalment.pk),
        body=body,
    )


def resolve_payout_tickets(*, user: Any) -> int:
    """An account is in use: the citizen's open payout tickets are settled."""
    subjects = set(
        Ticket.objects.filter(
            citizen=user,
            channel="system",
            subject_kind__in=[SubjectKind.PAYOUT_ACCOUNT, SubjectKind.PAYOUT_INSTALMENT],
        )
        .exclude(status=Ticket.Status.RESOLVED)
        .values_list("subject_kind", "subject_id")
    )
    with translation.override(user.language):
        body = gettext(
            "Your payout account is now in use; payments due are made to it. This ticket "
            "is closed; thank you."
        )
    return sum(
        resolve_system_tickets(citizen=user, subject_kind=kind, subject_id=sid, body=body)
        for kind, sid in sorted(subjects)
    )
