"""'Received the 2020 incentive' is a paid 2020 instalment, not a selection alone."""

from __future__ import annotations

import pytest
from django.db import transaction

from bekal.disbursements.models import Attempt, Instalment
from bekal.disbursements.providers.base import TransferResult, TransferStatus
from bekal.disbursements.services import batches, entitlements
from bekal.disbursements.services.attempts import apply_outcome
from bekal.programmes.models import WaveApplication
from bekal.selection import services
from bekal.selection.models import EligibilityDecision, RegistrantFacts
from tests.disbursements.factories import (
    link_account,
    officers,
    registered_name,
    trained_card_holder,
    with_phone,
)
from tests.disbursements.test_payout_flow import wait_for
from tests.selection.factories import rejoin, wave

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def later_decision(person, later_wave) -> EligibilityDecision:
    services.evaluate_eligibility(wave=later_wave)
    application = WaveApplication.objects.get(wave=later_wave, user=person)
    return EligibilityDecision.objects.get(application=application)


def test_a_2020_holder_paid_is_an_earlier_recipient_and_one_not_paid_is_not(provider, worker):
    paid, _ = trained_card_holder(scheme="2020")
    unpaid, _ = trained_card_holder(scheme="2020")
    number = with_phone(paid)
    provider.register(**{number: registered_name(paid).upper()})
    entitlements.create_instalments()
    entitlements.make_instalments_due()
    link_account(paid, channel="gopay", number=number)
    maker, checker = officers()
    batch = batches.prepare_batch(officer=maker)
    batches.approve_batch(
        batch=batch,
        officer=checker,
        control_count=batch.control_count,
        control_sum=batch.control_sum,
    )
    worker()
    wait_for(lambda: Instalment.objects.filter(user=paid, status="paid").exists())
    assert not Instalment.objects.filter(user=unpaid, status="paid").exists()

    later, _ = wave(scheme="2023")
    rejoin(later, list(WaveApplication.objects.filter(user__in=[paid, unpaid])))

    paid_decision = later_decision(paid, later)
    unpaid_decision = later_decision(unpaid, later)
    assert "earlier_recipient" in paid_decision.reasons
    assert paid_decision.inputs["earlier_paid"] is True
    assert "earlier_recipient" not in unpaid_decision.reasons
    assert unpaid_decision.inputs["earlier_paid"] is False
    assert RegistrantFacts.objects.get(user=unpaid).recipient_waves  # selected, never paid

    # The payment comes back: the holder has not received the incentive after all.
    for attempt in Attempt.objects.filter(instalment__user=paid, status="succeeded"):
        with transaction.atomic():
            apply_outcome(
                attempt_id=attempt.pk,
                result=TransferResult(TransferStatus.RETURNED),
                via="callback",
            )
    assert "earlier_recipient" not in later_decision(paid, later).reasons
