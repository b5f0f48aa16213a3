"""Payout problems the citizen must fix open a care ticket with the incentives page."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bekal.care.models import Channel, SubjectKind, Ticket
from bekal.core.links import portal_links
from bekal.disbursements import errors
from bekal.disbursements.models import Attempt, PayoutAccount
from bekal.disbursements.reconciliation import import_statement
from bekal.disbursements.services import accounts
from tests.disbursements.factories import (
    admin,
    latest_code,
    link_account,
    registered_name,
    trained_card_holder,
    with_phone,
)
from tests.disbursements.test_reconciliation import pay

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_an_account_in_another_name_opens_one_ticket_resolved_when_an_own_account_is_linked(
    provider,
):
    person, _card = trained_card_holder()
    with_phone(person)
    provider.register(**{"0012345653": registered_name(person)})
    provider.register(**{"0044444400": registered_name(person).upper()})

    for _ in range(2):  # the same refusal twice: one ticket
        with pytest.raises(errors.NameMismatchError):
            accounts.request_account_link(user=person, channel="bri", number="0012345653")

    ticket = Ticket.objects.get()
    assert ticket.citizen == person
    assert ticket.channel == Channel.SYSTEM
    assert ticket.subject_kind == SubjectKind.PAYOUT_ACCOUNT
    assert ticket.self_service_url == portal_links().incentives()
    assert portal_links().incentives() in ticket.messages.get().body
    assert "RINA MARLINA SARI" in ticket.messages.get().body
    assert ticket.status != Ticket.Status.RESOLVED

    link_account(person, channel="bri", number="0044444400")

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    assert Ticket.objects.count() == 1


def test_a_close_name_waiting_for_an_officer_opens_a_ticket_resolved_on_confirmation(provider):
    person, _card = trained_card_holder()
    with_phone(person)
    first, *rest = registered_name(person).upper().split()
    close = " ".join([first[:-1] + ("O" if first[-1] != "O" else "A"), *rest])  # one letter
    provider.register(**{"0022222200": close})
    accounts.request_account_link(user=person, channel="bca", number="0022222200")
    account = accounts.confirm_account_link(user=person, code=latest_code())
    assert account.status == PayoutAccount.Status.AWAITING_CONFIRMATION

    ticket = Ticket.objects.get()
    assert (ticket.subject_kind, ticket.subject_id) == (SubjectKind.PAYOUT_ACCOUNT, str(account.pk))
    assert ticket.self_service_url == portal_links().incentives()
    assert ticket.status != Ticket.Status.RESOLVED

    accounts.confirm_close_match(account=account, officer=admin())

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED


def test_a_returned_payment_opens_one_ticket_for_the_instalment(provider, worker):
    paid, returned = pay(provider, worker, ["00", "00"])
    day = timezone.localdate()
    csv = "\n".join(
        [
            "value_date,reference,provider_reference,amount,status",
            f"{day},{paid.external_id},R1,600000,SUCCESS",
            f"{day},{returned.external_id},R5,600000,SUCCESS",
            f"{day},{returned.external_id},R5,600000,RETURNED",
        ]
    )
    assert not Ticket.objects.exists()

    import_statement(provider="simulasi", day=day, format="csv", content=csv)
    # The same return on the next day's statement: still one ticket.
    import_statement(
        provider="simulasi",
        day=day,
        format="csv",
        content=csv.replace(f"{day},{paid.external_id},R1,600000,SUCCESS\n", ""),
    )

    ticket = Ticket.objects.get()
    attempt = Attempt.objects.get(pk=returned.pk)
    assert ticket.citizen_id == attempt.instalment.user_id
    assert (ticket.subject_kind, ticket.subject_id) == (
        SubjectKind.PAYOUT_INSTALMENT,
        str(attempt.instalment_id),
    )
    assert ticket.self_service_url == portal_links().incentives()
