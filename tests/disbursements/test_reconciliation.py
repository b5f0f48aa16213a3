"""Reconciliation of a provider's statement, with every break class, in CSV and MT940."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bekal.disbursements.models import Attempt, Instalment, ReconciliationItem
from bekal.disbursements.reconciliation import import_statement
from bekal.disbursements.services import batches, entitlements
from bekal.disbursements.simulator.server import mt940_statement
from bekal.disbursements.verification import verify_payouts
from tests.disbursements.factories import (
    link_account,
    officers,
    registered_name,
    trained_card_holder,
    with_phone,
)
from tests.disbursements.test_payout_flow import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

Kind = ReconciliationItem.Kind


def pay(provider, worker, endings: list[str]) -> list[Attempt]:
    for ending in endings:
        person, _card = trained_card_holder()
        number = with_phone(person, ending=ending)
        provider.register(**{number: registered_name(person).upper()})
        entitlements.create_instalments()
        entitlements.make_instalments_due()
        link_account(person, channel="gopay", number=number)
    maker, checker = officers()
    batch = batches.prepare_batch(officer=maker)
    batches.approve_batch(
        batch=batch,
        officer=checker,
        control_count=batch.control_count,
        control_sum=batch.control_sum,
    )
    worker()
    wait_for(
        lambda: not Attempt.objects.filter(status__in=["created", "pending", "unknown"]).exists()
    )
    return list(Attempt.objects.order_by("instalment_id"))


def test_every_break_class_is_found_and_owned(provider, worker):
    # Five paid, one refused (balance cap) by the provider.
    attempts = pay(provider, worker, ["00", "00", "00", "00", "00", "54"])
    ok, short, twice, missing, returned, refused = attempts
    assert refused.status == Attempt.Status.FAILED
    day = timezone.localdate()
    csv = "\n".join(
        [
            "value_date,reference,provider_reference,amount,status",
            f"{day},{ok.external_id},R1,600000,SUCCESS",
            f"{day},{short.external_id},R2,550000,SUCCESS",
            f"{day},{twice.external_id},R3,600000,SUCCESS",
            f"{day},{twice.external_id},R3,600000,SUCCESS",
            f"{day},{returned.external_id},R5,600000,SUCCESS",
            f"{day},{returned.external_id},R5,600000,RETURNED",
            f"{day},{refused.external_id},R6,600000,SUCCESS",
            f"{day},BK99999999999901,R7,600000,SUCCESS",
        ]
    )

    statement = import_statement(provider="simulasi", day=day, format="csv", content=csv)

    found = {
        (item.kind, item.external_id)
        for item in ReconciliationItem.objects.filter(statement=statement)
    }
    assert found == {
        (Kind.MATCHED, ok.external_id),
        (Kind.AMOUNT_MISMATCH, short.external_id),
        (Kind.MATCHED, twice.external_id),
        (Kind.DUPLICATE, twice.external_id),
        (Kind.MATCHED, returned.external_id),
        (Kind.RETURNED, returned.external_id),
        (Kind.REJECTED, refused.external_id),
        (Kind.UNMATCHED_EXTERNAL, "BK99999999999901"),
        (Kind.UNMATCHED_INTERNAL, missing.external_id),
    }
    owners = dict(
        ReconciliationItem.objects.exclude(kind=Kind.MATCHED).values_list("kind", "owner")
    )
    assert all(owners.values())  # every break has an owner
    # The return read on the statement reopens the instalment, as a callback would.
    assert Instalment.objects.get(pk=returned.instalment_id).status == Instalment.Status.FAILED
    assert verify_payouts() == []
    # Importing the same statement again adds nothing.
    import_statement(provider="simulasi", day=day, format="csv", content=csv)
    assert ReconciliationItem.objects.count() == len(found)


def test_an_mt940_statement_from_the_provider_matches(provider, worker):
    [attempt] = pay(provider, worker, ["00"])
    day = timezone.localdate()
    content = mt940_statement(
        day.isoformat(),
        [
            {
                "external_id": attempt.external_id,
                "reference": "R1",
                "amount": 600_000,
                "status": "success",
            }
        ],
    )

    statement = import_statement(provider="simulasi", day=day, format="mt940", content=content)

    assert list(statement.items.values_list("kind", "external_id")) == [
        (Kind.MATCHED, attempt.external_id)
    ]
