"""Reconciliation: cached balances against the sum of entries."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bekal.ledger.models import LedgerAccount
from bekal.ledger.selectors import BalanceDiscrepancy, verify_balances
from bekal.ledger.services import post_transaction
from tests.ledger.conftest import platform

pytestmark = pytest.mark.django_db


def test_a_ledger_posted_through_the_service_reconciles(card):
    post_transaction(
        idempotency_key="purchase:1", kind="purchase", lines=[(card, -1), (platform(), 1)]
    )

    report = verify_balances()

    assert report.ok
    assert report.accounts_checked == 4  # budget, fund, card, platform


def test_a_tampered_cached_balance_is_found(card):
    LedgerAccount.objects.filter(pk=card.pk).update(balance=5_000_000)

    report = verify_balances()

    assert report.discrepancies == [BalanceDiscrepancy("card:1", 5_000_000, 1_000_000)]
    assert not report.ok


def test_the_command_reports_a_tampered_balance_and_fails(card):
    LedgerAccount.objects.filter(pk=card.pk).update(balance=999_999)
    out = StringIO()

    with pytest.raises(CommandError, match="1 discrepancies"):
        call_command("verify_ledger", stdout=out)

    assert "3 accounts checked." in out.getvalue()
    assert "DISCREPANCY card:1: cached balance 999999, entries sum to 1000000" in out.getvalue()


def test_the_command_says_so_when_the_ledger_reconciles(card):
    out = StringIO()

    call_command("verify_ledger", stdout=out)

    assert out.getvalue() == "3 accounts checked.\nNo discrepancies.\n"
