"""The stages fed since payouts and phone-number accounts landed: "incentive paid" from
the instalments, "account confirmed" for an account proven by its phone."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from bekal.accounts import phone_accounts
from bekal.disbursements.models import Instalment
from bekal.disbursements.services import entitlements
from bekal.notifications.models import OutboxMessage
from bekal.reporting.scope import get_area
from bekal.reporting.selectors import get_funnel
from bekal.reporting.services import find_drift
from tests.disbursements.factories import trained_card_holder
from tests.reporting.people import programme_office
from tests.reporting.walk import nation

pytestmark = pytest.mark.django_db


def _settle(instalment: Instalment, status: str) -> None:
    # The statement bekal.disbursements.services.attempts writes when the provider
    # confirms (paid) or returns (failed) a transfer.
    instalment.status = status
    instalment.paid_at = instalment.paid_at or timezone.now()
    instalment.save(update_fields=["status", "paid_at", "updated_at"])


def test_a_card_holder_paid_counts_as_incentive_paid_at_once_and_a_return_uncounts(db):
    _person, card = trained_card_holder()
    entitlements.create_instalments()
    entitlements.make_instalments_due()
    first = Instalment.objects.get(card=card, sequence=1)
    assert first.status == Instalment.Status.DUE
    assert nation("incentive_paid") == 0

    _settle(first, Instalment.Status.PAID)
    assert nation("incentive_paid") == 1
    assert find_drift() == []

    # Returned by the provider after success: no longer paid.
    _settle(first, Instalment.Status.FAILED)
    assert nation("incentive_paid") == 0
    assert find_drift() == []


def test_the_funnel_shows_incentive_paid_as_a_count_not_as_not_available(db):
    _person, card = trained_card_holder()
    entitlements.create_instalments()
    entitlements.make_instalments_due()
    _settle(Instalment.objects.get(card=card, sequence=1), Instalment.Status.PAID)

    funnel = {s.stage: s for s in get_funnel(area=get_area(viewer=programme_office()))}

    assert funnel["incentive_paid"].counted
    assert funnel["incentive_paid"].count == 1
    assert funnel["incentive_paid"].of_previous == 100.0  # of the trainings completed


def _last_code() -> str:
    sms = OutboxMessage.objects.filter(channel="sms").latest("id")
    found = re.search(r"\b([0-9]{6})\b", sms.body)
    assert found is not None
    return found.group(1)


def test_a_phone_number_account_counts_as_confirmed_once_its_phone_is_proven(db):
    before = (nation("account"), nation("email_confirmed"))
    user = phone_accounts.open_phone_account(
        full_name="Siti Aminah", phone="0812-3456-7890", desk_name="Meja Disnaker"
    )
    assert (nation("account"), nation("email_confirmed")) == (before[0] + 1, before[1])

    phone_accounts.activate_phone_account(user=user, code=_last_code())

    assert (nation("account"), nation("email_confirmed")) == (before[0] + 1, before[1] + 1)
    assert find_drift() == []


def test_the_confirmed_stage_reads_account_confirmed_in_indonesian(db):
    funnel = get_funnel(area=get_area(viewer=programme_office()))
    assert str(funnel[1].label) == "Akun dikonfirmasi"
