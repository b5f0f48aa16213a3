"""The marketplace benchmark still runs, and what it measures still happens.

A tiny size (20 card holders, 2 threads) through the very code `make bench-marketplace`
runs: the set-based card holders and their ledger, the catalogue, the purchases spread
over cards and raced on one card, the ledger checks, the partner API calls (against the
test's live server instead of gunicorn) and the report.
"""

from __future__ import annotations

import pytest

from bekal.cards.models import Card
from bekal.cards.selectors import get_card_balance
from bekal.marketplace.models import Course, Purchase
from bench.marketplace import Results, report
from bench.marketplace_data import build_catalogue, build_holders, programme_admin
from bench.marketplace_load import (
    BALANCE_REFUSED,
    BOUGHT,
    check_ledger,
    contention_purchases,
    partner_calls,
    self_paced_vouchers,
    spread_purchases,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_benchmark_buys_refuses_at_the_balance_and_keeps_the_ledger_whole(live_server, capsys):
    # given 20 card holders with a 2023 card and the benchmark's catalogue of 70 courses
    admin = programme_admin("smoke")
    holders = build_holders(size=20, token="smoke", admin=admin)
    catalogue = build_catalogue(token="smoke", admin=admin)
    [racer], buyers = holders.users[:1], holders.users[1:]

    # when 19 holders buy a course each, and 2 threads try every course with one card
    spread = spread_purchases(buyers, catalogue, threads=2, token="smoke")
    raced = contention_purchases([racer], catalogue, threads=2, token="smoke")
    ledger = check_ledger(holders=holders, raced=[racer])

    # then every holder bought, and the raced card bought until its balance ran short
    assert spread.outcomes == {BOUGHT: 19}
    bought = raced.outcomes[BOUGHT]
    assert len(catalogue.courses) == 70 and raced.attempts == 70
    assert 1 <= bought < 70 and raced.outcomes[BALANCE_REFUSED] == 70 - bought
    left = get_card_balance(card=Card.objects.get(user=racer))
    unbought = Course.objects.filter(platform=catalogue.platform).exclude(purchases__user=racer)
    assert unbought.count() == 70 - bought
    assert all(course.price > left for course in unbought)
    # and the ledger verifies, every balance is its opening less what it paid, none < 0
    assert ledger.verification.ok
    assert ledger.purchases == 19 + bought
    assert ledger.cards_not_matching == 0
    assert ledger.lowest_raced_balance >= 0 and ledger.lowest_balance >= 0

    # when the platform reads and redeems six self-paced vouchers over HTTP
    codes = self_paced_vouchers(catalogue, limit=6)
    reads, redeems = partner_calls(live_server.url, catalogue, codes, clients=2, warmup=2)

    # then every call is answered 200 and the six vouchers are redeemed
    assert len(codes) == 6
    assert reads.outcomes == {"200": 6} and redeems.outcomes == {"200": 6}
    redeemed = Purchase.objects.filter(status=Purchase.Status.REDEEMED)
    assert sorted(p.voucher_display for p in redeemed) == sorted(codes)

    # and the report prints the checks it made
    report(
        Results(
            holders=holders,
            catalogue=catalogue,
            threads=2,
            spread=spread,
            raced=raced,
            raced_cards=1,
            ledger=ledger,
            clients=2,
            workers=1,
            reads=reads,
            redeems=redeems,
            redeemed_in_database=redeemed.count(),
        )
    )
    printed = capsys.readouterr().out
    assert "a raced card's balance went below zero" in printed
    assert "never" in printed and "ok (" in printed and "200: 100.0%" in printed
