"""Reconciliation of a provider's daily statement (CSV, or MT940 read with `mt-940`).

Each statement line is matched to an attempt by reference (the external id), then by
amount. Every line, and every attempt confirmed in Bekal for that day that the statement
lacks, becomes one ReconciliationItem of a kind; every kind but MATCHED is a break with
an owner, shown in the break queue and recorded through the care seam:

    matched             reference and amount agree with a succeeded attempt
    rejected            the statement has a payment Bekal holds as failed (provider)
    amount_mismatch     reference found, amount differs (finance)
    duplicate           one reference paid more than once (provider)
    unmatched_external  a reference Bekal never sent (finance)
    unmatched_internal  confirmed in Bekal, absent from the statement (provider)
    returned            a return after success (programme office: a new account)

A return read on a statement is also applied to the attempt (the money is payable
again), exactly as a callback would; an instalment counts as paid only on the
provider's confirmation, never on the statement alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass

import mt940
from django.db import transaction
from django.utils import timezone

from bekal.disbursements.care_seam import record_reconciliation_break
from bekal.disbursements.models import Attempt, ReconciliationItem, StatementImport
from bekal.disbursements.providers import get_provider
from bekal.disbursements.providers.base import TransferResult, TransferStatus

Kind = ReconciliationItem.Kind
Owner = ReconciliationItem.Owner
OWNERS = {
    Kind.MATCHED: Owner.NONE,
    Kind.REJECTED: Owner.PROVIDER,
    Kind.AMOUNT_MISMATCH: Owner.FINANCE,
    Kind.DUPLICATE: Owner.PROVIDER,
    Kind.UNMATCHED_EXTERNAL: Owner.FINANCE,
    Kind.UNMATCHED_INTERNAL: Owner.PROVIDER,
    Kind.RETURNED: Owner.PROGRAMME_OFFICE,
}


@dataclass(frozen=True, slots=True)
class StatementLine:
    reference: str
    amount: int
    returned: bool


def parse_csv(content: str) -> list[StatementLine]:
    reader = csv.DictReader(io.StringIO(content))
    return [
        StatementLine(
            reference=row["reference"].strip(),
            amount=int(row["amount"]),
            returned=row["status"].strip().upper() == "RETURNED",
        )
        for row in reader
    ]


def parse_mt940(content: str) -> list[StatementLine]:
    transactions = mt940.models.Transactions()
    transactions.parse(content)
    lines = []
    for item in transactions:
        data = item.data
        amount = data["amount"].amount
        lines.append(
            StatementLine(
                reference=str(data.get("customer_reference", "")).strip(),
                amount=int(abs(amount)),
                returned=amount > 0,
            )
        )
    return lines


def fetch_and_match(*, provider: str, day: dt.date, format: str = "csv") -> StatementImport:
    content = get_provider().fetch_statement(day=day, format=format)
    return import_statement(provider=provider, day=day, format=format, content=content)


@transaction.atomic
def import_statement(*, provider: str, day: dt.date, format: str, content: str) -> StatementImport:
    """Store and match a statement; importing the same day's statement again returns
    the first import unchanged."""
    statement, created = StatementImport.objects.get_or_create(
        provider=provider,
        statement_date=day,
        format=format,
        defaults={"content": content},
    )
    if not created and statement.status == StatementImport.Status.MATCHED:
        return statement
    lines = parse_mt940(content) if format == "mt940" else parse_csv(content)
    _match(statement, lines, provider, day)
    statement.line_count = len(lines)
    statement.status = StatementImport.Status.MATCHED
    statement.save(update_fields=["line_count", "status", "updated_at"])
    return statement


def _match(
    statement: StatementImport, lines: list[StatementLine], provider: str, day: dt.date
) -> None:
    from bekal.disbursements.services.attempts import apply_outcome

    payments = [line for line in lines if not line.returned]
    seen = Counter(line.reference for line in payments)
    attempts = {
        a.external_id: a
        for a in Attempt.objects.filter(external_id__in={line.reference for line in lines})
    }
    items: list[ReconciliationItem] = []

    def add(kind: str, line: StatementLine | None, attempt: Attempt | None) -> None:
        items.append(
            ReconciliationItem(
                statement=statement,
                kind=kind,
                owner=OWNERS[Kind(kind)],
                external_id=line.reference if line else (attempt.external_id if attempt else ""),
                attempt=attempt,
                statement_amount=line.amount if line else None,
                resolved_at=timezone.now() if kind == Kind.MATCHED else None,
            )
        )

    counted: Counter[str] = Counter()
    for line in payments:
        attempt = attempts.get(line.reference)
        counted[line.reference] += 1
        if attempt is None:
            add(Kind.UNMATCHED_EXTERNAL, line, None)
        elif counted[line.reference] > 1:
            add(Kind.DUPLICATE, line, attempt)
        elif line.amount != attempt.amount:
            add(Kind.AMOUNT_MISMATCH, line, attempt)
        elif attempt.status == Attempt.Status.FAILED:
            add(Kind.REJECTED, line, attempt)
        else:
            add(Kind.MATCHED, line, attempt)
    for line in lines:
        if not line.returned:
            continue
        attempt = attempts.get(line.reference)
        add(Kind.RETURNED if attempt else Kind.UNMATCHED_EXTERNAL, line, attempt)
        if attempt is not None and attempt.status in (
            Attempt.Status.SUCCEEDED,
            Attempt.Status.PENDING,
            Attempt.Status.UNKNOWN,
            Attempt.Status.CREATED,
        ):
            apply_outcome(
                attempt_id=attempt.pk,
                result=TransferResult(TransferStatus.RETURNED),
                via="statement",
            )
    # Confirmed in Bekal on that day, for that provider, and not on the statement.
    start = dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())
    confirmed = Attempt.objects.filter(
        provider=provider,
        status__in=[Attempt.Status.SUCCEEDED, Attempt.Status.RETURNED],
        settled_at__gte=start,
        settled_at__lt=start + dt.timedelta(days=1),
    ).exclude(external_id__in=list(seen))
    for attempt in confirmed:
        add(Kind.UNMATCHED_INTERNAL, None, attempt)
    created = ReconciliationItem.objects.bulk_create(items)
    for item in created:
        if item.kind != Kind.MATCHED:
            record_reconciliation_break(item=item)


@transaction.atomic
def resolve_item(*, item: ReconciliationItem, officer: object, note: str) -> ReconciliationItem:
    from bekal.core.audit import record_event

    item = ReconciliationItem.objects.select_for_update().get(pk=item.pk)
    if item.resolved_at is None:
        item.resolved_at = timezone.now()
        item.resolved_by = officer  # type: ignore[assignment]
        item.note = note[:300]
        item.save(update_fields=["resolved_at", "resolved_by", "note", "updated_at"])
        record_event(action="disbursements.break_resolved", actor=officer, target=item, note=note)
    return item
