"""Linking a payout account: the provider's holder name, the verified phone, an SMS code."""

from __future__ import annotations

import pytest

from bekal.core.models import AuditEvent
from bekal.disbursements import errors
from bekal.disbursements.models import LinkRequest, PayoutAccount
from bekal.disbursements.services import accounts
from bekal.notifications.models import OutboxMessage
from tests.disbursements.factories import (
    latest_code,
    link_account,
    registered_name,
    trained_card_holder,
    with_phone,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_an_ewallet_on_another_phone_is_refused_and_nothing_is_stored(provider):
    person, _card = trained_card_holder()
    with_phone(person)

    with pytest.raises(errors.EwalletPhoneMismatchError):
        accounts.request_account_link(user=person, channel="gopay", number="0813 9999 0000")

    assert not LinkRequest.objects.exists()
    assert not PayoutAccount.objects.exists()


def test_another_persons_account_is_refused_with_the_name_the_bank_gave(provider):
    person, _card = trained_card_holder()
    with_phone(person)
    provider.register(**{"0012345653": registered_name(person)})  # 53: another name

    with pytest.raises(errors.NameMismatchError) as refused:
        accounts.request_account_link(user=person, channel="bri", number="0012345653")

    assert "RINA MARLINA SARI" in str(refused.value)
    assert not PayoutAccount.objects.exists()
    assert AuditEvent.objects.filter(action="disbursements.name_mismatch").count() == 1


def test_an_unknown_account_is_refused(provider):
    person, _card = trained_card_holder()
    with_phone(person)

    with pytest.raises(errors.AccountNotFoundError):
        accounts.request_account_link(user=person, channel="bni", number="0011111151")


def test_a_wrong_code_links_nothing_and_the_right_one_links_the_account(provider):
    person, _card = trained_card_holder()
    number = with_phone(person)
    provider.register(**{number: registered_name(person)})
    accounts.request_account_link(user=person, channel="ovo", number=number)
    sms = OutboxMessage.objects.filter(kind=accounts.CODE_KIND).latest("id")
    assert number not in sms.body  # the code, not the account number
    wrong = "000000" if latest_code() != "000000" else "111111"

    with pytest.raises(errors.LinkCodeWrongError):
        accounts.confirm_account_link(user=person, code=wrong)
    assert not PayoutAccount.objects.exists()

    account = accounts.confirm_account_link(user=person, code=latest_code())
    assert (account.status, account.masked_number) == ("active", f"****{number[-4:]}")
    assert number not in account.number_encrypted


def test_a_close_name_waits_for_the_persons_confirmation_and_a_change_has_a_cooldown(provider):
    person, _card = trained_card_holder()
    with_phone(person)
    name = registered_name(person).upper()
    provider.register(**{"0022222200": name + " X", "0033333300": name})
    link_account(person, channel="bca", number="0033333300")

    with pytest.raises(errors.AccountChangeTooSoonError):
        accounts.request_account_link(user=person, channel="bca", number="0022222200")
    assert PayoutAccount.objects.get().number_last4 == "3300"
