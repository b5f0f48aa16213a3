"""Accepting the card terms: an active card with a Luhn-valid number and the scheme's balance."""

from __future__ import annotations

import pytest

from bekal.cards import selectors, services
from bekal.cards.errors import CardRevokedError, NotSelectedError, TermsVersionError
from bekal.cards.models import Card
from bekal.cards.numbers import is_valid_card_number, luhn_check_digit, new_card_number
from bekal.cards.terms import TERMS_VERSION
from bekal.core.models import AuditEvent
from bekal.ledger.models import Entry, LedgerAccount
from bekal.ledger.selectors import get_account, get_balance, verify_balances
from bekal.notifications.models import OutboxMessage
from tests.cards.factories import announce, published_run

pytestmark = pytest.mark.django_db


def accept(user, **kw):
    return services.accept_card_terms(user=user, terms_version=TERMS_VERSION, ip="10.0.0.1", **kw)


@pytest.mark.parametrize(("scheme", "balance"), [("2023", 3_500_000), ("2020", 1_000_000)])
def test_accepting_the_terms_activates_the_card_with_the_scheme_s_balance(scheme, balance):
    # given a person selected in a published wave of the scheme, told the result
    published = published_run(scheme=scheme, selected=1)
    [chosen] = published.selected
    announce(published.run)

    # when they accept the card terms
    card = accept(chosen)

    # then the card is active, with a 16-digit Luhn-valid number and the scheme's balance
    card = selectors.get_card(user=chosen)
    assert card.status == Card.Status.ACTIVE
    assert card.terms_version == TERMS_VERSION
    assert len(card.number) == 16 and is_valid_card_number(card.number)
    assert selectors.get_card_balance(card=card) == balance
    # and the money came from the programme fund, drawn from the state budget
    fund = get_account(code=f"programme:fund:{scheme}")
    assert get_balance(account=fund) == 0
    assert get_balance(account=get_account(code="state:budget")) == -balance
    assert verify_balances().ok
    # and the person is told by email, and the acceptance is audited with the IP
    assert OutboxMessage.objects.filter(user=chosen, kind="card_active").count() == 1
    event = AuditEvent.objects.get(action="cards.terms_accepted")
    assert (event.actor_id, event.ip_address) == (chosen.pk, "10.0.0.1")


def test_the_fund_draws_on_the_budget_only_for_what_it_lacks():
    # given a first card funded from the budget, then revoked: its balance is in the fund
    published = published_run(selected=2)
    first, second = published.selected
    card = accept(first)
    services.revoke_unused_cards(now=card.first_purchase_deadline)
    budget = get_account(code="state:budget")
    assert get_balance(account=budget) == -3_500_000

    # when the second person accepts
    accept(second)

    # then the fund paid the new card with the returned money, and the budget gave nothing
    assert get_balance(account=budget) == -3_500_000
    assert get_balance(account=get_account(code="programme:fund:2023")) == 0
    assert selectors.get_card_balance(card=selectors.get_card(user=second)) == 3_500_000


def test_accepting_twice_keeps_one_card_and_one_opening_entry():
    published = published_run(selected=1)
    [chosen] = published.selected
    first = accept(chosen)

    again = accept(chosen)

    assert again.pk == first.pk and again.number == first.number
    assert Entry.objects.filter(transaction__kind="card_opening").count() == 2
    assert OutboxMessage.objects.filter(kind="card_active").count() == 1


def test_a_selected_person_can_accept_before_the_announcement_reached_them():
    published = published_run(selected=1)
    [chosen] = published.selected

    card = accept(chosen)

    assert card.status == Card.Status.ACTIVE
    assert selectors.get_card_balance(card=card) == 3_500_000


def test_a_person_not_selected_cannot_accept():
    published = published_run(selected=1, not_selected=1)
    [left] = published.not_selected
    announce(published.run)

    with pytest.raises(NotSelectedError):
        accept(left)

    assert selectors.get_card(user=left) is None
    assert not LedgerAccount.objects.filter(kind="card_balance").exists()


def test_accepting_before_the_results_are_published_is_refused():
    published = published_run(selected=1, publish_it=False)
    [chosen] = published.selected

    with pytest.raises(NotSelectedError):
        accept(chosen)

    assert Card.objects.count() == 0


def test_accepting_an_older_version_of_the_terms_is_refused():
    published = published_run(selected=1)
    [chosen] = published.selected
    announce(published.run)

    with pytest.raises(TermsVersionError):
        services.accept_card_terms(user=chosen, terms_version="2020.0")

    assert selectors.get_card(user=chosen).status == Card.Status.OFFERED
    assert not LedgerAccount.objects.filter(kind="card_balance").exists()


def test_a_revoked_card_cannot_be_accepted_again():
    published = published_run(selected=1)
    [chosen] = published.selected
    card = accept(chosen)
    services.revoke_unused_cards(now=card.first_purchase_deadline)

    with pytest.raises(CardRevokedError):
        accept(chosen)


def test_a_mistyped_digit_fails_the_luhn_check():
    number = new_card_number()

    assert is_valid_card_number(number)
    for position in range(16):
        for digit in "0123456789":
            if digit != number[position]:
                typo = number[:position] + digit + number[position + 1 :]
                assert not is_valid_card_number(typo), typo


def test_the_luhn_check_digit_of_a_known_number():
    # the textbook example: 7992739871 has the check digit 3
    assert luhn_check_digit("7992739871") == "3"
    assert is_valid_card_number("4539578763621486")
    assert not is_valid_card_number("4539578763621487")
