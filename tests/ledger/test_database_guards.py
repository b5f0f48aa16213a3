"""PostgreSQL itself keeps the ledger balanced and append-only, whatever code writes to it."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from bekal.ledger.errors import AppendOnlyError
from bekal.ledger.models import Entry, Transaction
from bekal.ledger.selectors import get_balance
from bekal.ledger.services import post_transaction
from tests.ledger.conftest import funded_card, platform


def raw_posting(key: str, lines: list[tuple[int, int]]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_transaction (idempotency_key, kind, description, created_at,"
            " metadata) VALUES (%s, 'purchase', '', now(), '{}') RETURNING id",
            [key],
        )
        (transaction_id,) = cursor.fetchone()
        for account_id, amount in lines:
            cursor.execute(
                "INSERT INTO ledger_entry (transaction_id, account_id, amount) VALUES (%s, %s, %s)",
                [transaction_id, account_id, amount],
            )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "amounts", [[-300_000, 200_000], [-300_000], []], ids=["unbalanced", "one_line", "no_line"]
)
def test_a_raw_unbalanced_transaction_fails_at_commit(amounts):
    card, receivable = funded_card(), platform()
    accounts = [card.pk, receivable.pk]

    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        raw_posting("raw:1", list(zip(accounts, amounts, strict=False)))

    assert not Transaction.objects.filter(idempotency_key="raw:1").exists()
    assert Entry.objects.filter(account=receivable).count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_raw_balanced_transaction_commits():
    card, receivable = funded_card(), platform()

    with transaction.atomic():
        raw_posting("raw:1", [(card.pk, -300_000), (receivable.pk, 300_000)])

    assert Transaction.objects.get(idempotency_key="raw:1").entries.count() == 2


@pytest.mark.django_db(transaction=True)
def test_an_entry_added_later_to_a_posted_transaction_fails_at_commit():
    card, receivable = funded_card(), platform()
    posted = post_transaction(
        idempotency_key="purchase:1", kind="purchase", lines=[(card, -1), (receivable, 1)]
    )

    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        Entry.objects.create(transaction=posted, account=receivable, amount=1_000)

    assert posted.entries.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_entry SET amount = amount * 2",
        "DELETE FROM ledger_entry",
        "UPDATE ledger_transaction SET description = 'edited'",
        "DELETE FROM ledger_transaction",
    ],
)
def test_the_database_refuses_to_change_or_delete_ledger_rows(statement):
    card = funded_card()

    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)

    assert get_balance(account=card) == 1_000_000
    assert sorted(Entry.objects.values_list("amount", flat=True))[-1] == 100_000_000
    assert not Transaction.objects.filter(description="edited").exists()


@pytest.mark.django_db
def test_the_models_refuse_to_change_or_delete_ledger_rows():
    card = funded_card()
    entry = Entry.objects.filter(account=card).get()

    entry.amount = 5
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        Transaction.objects.filter(pk=entry.transaction_id).update(description="edited")
    with pytest.raises(AppendOnlyError):
        Entry.objects.all().delete()

    assert Entry.objects.get(pk=entry.pk).amount == 1_000_000
