"""From a reviewed training to money at the provider, over HTTP, exactly once."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.management import call_command

from bekal.disbursements.models import Attempt, Batch, Instalment, PayoutAccount
from bekal.disbursements.services import batches, entitlements
from bekal.disbursements.services.attempts import poll_open_attempts
from bekal.disbursements.verification import verify_payouts
from bekal.ledger.models import LedgerAccount
from bekal.notifications.models import OutboxMessage
from tests.disbursements.factories import (
    link_account,
    officers,
    registered_name,
    trained_card_holder,
    with_phone,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def wait_for(condition: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the provider's callback never came"
        time.sleep(0.1)


def balance(code: str) -> int:
    account = LedgerAccount.objects.filter(code=code).first()
    return account.balance if account else 0


def settled_total() -> int:
    return sum(
        LedgerAccount.objects.filter(owner_type="payouts.settled").values_list("balance", flat=True)
    )


def sweep() -> None:
    entitlements.create_instalments()
    entitlements.make_instalments_due()


def test_a_reviewed_training_is_paid_once_into_a_matched_ewallet(provider, worker):
    person, card = trained_card_holder()
    number = with_phone(person)
    provider.register(**{number: registered_name(person).upper()})

    sweep()

    first = Instalment.objects.get(card=card, sequence=1)
    assert (first.status, first.amount) == (Instalment.Status.DUE, 600_000)
    # The 2023 schedule as corrected: Rp 600,000 once, then 2 surveys of Rp 50,000.
    assert list(
        Instalment.objects.filter(card=card).order_by("sequence").values_list("kind", "amount")
    ) == [("monthly", 600_000), ("survey", 50_000), ("survey", 50_000)]
    assert balance(f"incentive:card:{card.pk}") == 600_000

    account = link_account(person, channel="ovo", number=number)
    assert (account.status, account.name_match) == (PayoutAccount.Status.ACTIVE, "match")

    maker, checker = officers()
    batch = batches.prepare_batch(officer=maker)
    assert (batch.control_count, batch.control_sum) == (1, 600_000)
    batches.approve_batch(batch=batch, officer=checker, control_count=1, control_sum=600_000)
    worker()
    wait_for(lambda: Instalment.objects.get(pk=first.pk).status == Instalment.Status.PAID)

    first.refresh_from_db()
    assert first.paid_at is not None
    assert balance(f"incentive:card:{card.pk}") == 0
    assert settled_total() == 600_000
    [transfer] = [t for t in provider.transfers() if t["amount"] == 600_000]
    assert (transfer["status"], transfer["executed"]) == ("success", 1)
    assert Batch.objects.get(pk=batch.pk).status == Batch.Status.SUBMITTED
    assert verify_payouts() == []
    call_command("verify_payouts")
    call_command("verify_ledger")
    # She is told by email and by SMS, in Indonesian.
    told = OutboxMessage.objects.filter(user=person, kind="incentive_paid")
    assert sorted(told.values_list("channel", flat=True)) == ["email", "sms"]
    assert "Rp 600.000" in told.get(channel="email").subject


def test_a_closed_account_fails_with_a_reason_and_a_new_account_is_paid_once(provider, worker):
    person, card = trained_card_holder()
    closed = "0012345652"  # ends in 52: the simulator's closed account
    name = registered_name(person).upper()
    provider.register(**{closed: name, "0098765400": name})
    with_phone(person)
    sweep()
    link_account(person, channel="bni", number=closed)
    maker, checker = officers()

    batch = batches.prepare_batch(officer=maker)
    batches.approve_batch(batch=batch, officer=checker, control_count=1, control_sum=600_000)
    worker()

    first = Instalment.objects.get(card=card, sequence=1)
    assert (first.status, first.failure_code) == (Instalment.Status.FAILED, "closed_account")
    assert balance(f"incentive:card:{card.pk}") == 600_000  # owed again
    sms = OutboxMessage.objects.get(user=person, kind="incentive_failed", channel="sms")
    assert "Hubungkan rekening yang masih aktif." in sms.body

    link_account(person, channel="bni", number="0098765400")
    first.refresh_from_db()
    assert first.status == Instalment.Status.DUE
    second = batches.prepare_batch(officer=maker)
    batches.approve_batch(batch=second, officer=checker, control_count=1, control_sum=600_000)
    worker()
    wait_for(lambda: Instalment.objects.get(pk=first.pk).status == Instalment.Status.PAID)

    attempts = list(Attempt.objects.filter(instalment=first).order_by("pk"))
    assert [a.status for a in attempts] == ["failed", "succeeded"]
    assert attempts[0].external_id != attempts[1].external_id
    paid = [t for t in provider.transfers() if t["status"] == "success"]
    assert len(paid) == 1
    assert verify_payouts() == []


def test_the_same_officer_cannot_approve_and_the_control_totals_must_agree(provider):
    from bekal.disbursements.errors import ControlTotalsError, SameOfficerError

    person, _card = trained_card_holder()
    number = with_phone(person)
    provider.register(**{number: registered_name(person).upper()})
    sweep()
    link_account(person, channel="ovo", number=number)
    maker, checker = officers()
    batch = batches.prepare_batch(officer=maker)

    with pytest.raises(SameOfficerError):
        batches.approve_batch(batch=batch, officer=maker, control_count=1, control_sum=600_000)
    with pytest.raises(ControlTotalsError):
        batches.approve_batch(batch=batch, officer=checker, control_count=1, control_sum=500_000)

    assert Batch.objects.get(pk=batch.pk).status == Batch.Status.PREPARED
    cancelled = batches.cancel_batch(batch=batch, officer=checker)
    assert cancelled.status == Batch.Status.CANCELLED
    assert list(Instalment.objects.filter(sequence=1).values_list("status", "batch")) == [
        ("due", None)
    ]


def test_an_unknown_attempt_is_settled_by_a_status_inquiry_not_a_resend(provider, worker):
    person, card = trained_card_holder()
    number = with_phone(person, ending="55")  # the first answer comes after the timeout
    provider.register(**{number: registered_name(person).upper()})
    sweep()
    link_account(person, channel="ovo", number=number)
    maker, checker = officers()
    batch = batches.prepare_batch(officer=maker)
    batches.approve_batch(batch=batch, officer=checker, control_count=1, control_sum=600_000)
    worker()

    attempt = Attempt.objects.get(instalment__card=card)
    wait_for(lambda: Instalment.objects.get(card=card, sequence=1).status == "paid")
    poll_open_attempts()

    [transfer] = provider.transfers()
    assert transfer["executed"] == 1
    assert Attempt.objects.filter(instalment__card=card).count() == 1
    assert Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.SUCCEEDED
    assert verify_payouts() == []
