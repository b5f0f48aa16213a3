"""Callbacks: signed, stored raw, deduplicated, applied only when legal, in any order."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest
from django.core.management import call_command

from bekal.disbursements.models import Attempt, Instalment, ProviderEvent
from bekal.disbursements.providers.signing import signature
from bekal.disbursements.services import batches, entitlements
from bekal.disbursements.verification import verify_payouts
from bekal.ledger.models import LedgerAccount, Transaction
from tests.disbursements.factories import (
    link_account,
    officers,
    registered_name,
    trained_card_holder,
    with_phone,
)
from tests.disbursements.simulated_provider import SECRET
from tests.disbursements.test_payout_flow import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PATH = "/api/payments/v1/callbacks/simulasi/"


def paid_through(provider, worker, ending: str):
    person, card = trained_card_holder()
    number = with_phone(person, ending=ending)
    provider.register(**{number: registered_name(person).upper()})
    entitlements.create_instalments()
    entitlements.make_instalments_due()
    link_account(person, channel="dana", number=number)
    maker, checker = officers()
    batch = batches.prepare_batch(officer=maker)
    batches.approve_batch(batch=batch, officer=checker, control_count=1, control_sum=600_000)
    worker()
    return person, card


def test_five_callbacks_out_of_order_pay_once(provider, worker):
    _person, card = paid_through(provider, worker, ending="58")
    attempt = Attempt.objects.get(instalment__card=card)
    wait_for(lambda: ProviderEvent.objects.filter(external_id=attempt.external_id).count() == 2)

    # Five deliveries, two distinct events: one success, one stale pending after it.
    assert sorted(
        ProviderEvent.objects.filter(external_id=attempt.external_id).values_list(
            "status", flat=True
        )
    ) == ["pending", "success"]
    instalment = Instalment.objects.get(card=card, sequence=1)
    assert instalment.status == Instalment.Status.PAID
    assert Transaction.objects.filter(kind="payout_confirmed").count() == 1
    assert verify_payouts() == []


def test_a_return_after_success_reopens_the_instalment(provider, worker):
    _person, card = paid_through(provider, worker, ending="59")
    attempt = Attempt.objects.get(instalment__card=card)
    wait_for(lambda: Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.RETURNED)

    instalment = Instalment.objects.get(card=card, sequence=1)
    assert (instalment.status, instalment.failure_code, instalment.paid_at) == (
        "failed",
        "returned",
        None,
    )
    assert LedgerAccount.objects.get(code=f"incentive:card:{card.pk}").balance == 600_000
    assert Transaction.objects.filter(kind="reversal").count() == 1
    assert verify_payouts() == []
    call_command("verify_ledger")


def test_a_callback_with_a_bad_signature_is_refused_and_not_stored(live_server, provider):
    body = json.dumps(
        {"eventId": "x1", "originalPartnerReferenceNo": "BKL1", "latestTransactionStatus": "00"}
    ).encode()
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    wrong = signature(secret="not-the-secret", method="POST", path=PATH, body=body, timestamp=stamp)

    response = httpx.post(
        f"{live_server.url}{PATH}",
        content=body,
        headers={"X-TIMESTAMP": stamp, "X-SIGNATURE": wrong, "Content-Type": "application/json"},
    )

    assert response.status_code == 401
    assert not ProviderEvent.objects.exists()
    right = signature(secret=SECRET, method="POST", path=PATH, body=body, timestamp=stamp)
    unknown = httpx.post(
        f"{live_server.url}{PATH}",
        content=body,
        headers={"X-TIMESTAMP": stamp, "X-SIGNATURE": right, "Content-Type": "application/json"},
    )
    assert unknown.status_code == 200
    assert ProviderEvent.objects.get().outcome == "unknown_attempt"
    again = httpx.post(
        f"{live_server.url}{PATH}",
        content=body,
        headers={"X-TIMESTAMP": stamp, "X-SIGNATURE": right, "Content-Type": "application/json"},
    )
    assert (again.status_code, again.json()["responseMessage"]) == (200, "duplicate")
    assert ProviderEvent.objects.count() == 1
