"""`verify_payouts`: every instalment's state recomputed from its attempts, the
provider's events and statements, and the ledger; each disagreement reported."""

from __future__ import annotations

from django.db import connection

#: (name, SQL returning offending rows as (id, detail)).
CHECKS = [
    (
        "paid without exactly one succeeded, posted attempt",
        """
        SELECT i.id, count(a.id) FROM disbursements_instalment i
        LEFT JOIN disbursements_attempt a ON a.instalment_id = i.id AND a.status = 'succeeded'
            AND a.confirm_posting_id IS NOT NULL
        WHERE i.status = 'paid' GROUP BY i.id HAVING count(a.id) <> 1
        """,
    ),
    (
        "a succeeded attempt on an instalment not paid",
        """
        SELECT i.id, i.status FROM disbursements_instalment i
        JOIN disbursements_attempt a ON a.instalment_id = i.id AND a.status = 'succeeded'
        WHERE i.status <> 'paid'
        """,
    ),
    (
        "succeeded without a confirmation from the provider",
        """
        SELECT a.id, a.settled_by FROM disbursements_attempt a
        WHERE a.status = 'succeeded' AND a.settled_by NOT IN ('submit', 'callback', 'status')
        """,
    ),
    (
        "a failed or returned attempt without its posting",
        """
        SELECT a.id, a.status FROM disbursements_attempt a
        WHERE a.status IN ('failed', 'returned') AND a.failure_posting_id IS NULL
        """,
    ),
    (
        "a provider event says returned, the attempt is not",
        """
        SELECT a.id, a.status FROM disbursements_attempt a
        JOIN disbursements_providerevent e ON e.external_id = a.external_id
            AND e.status = 'returned'
        WHERE a.status <> 'returned'
        """,
    ),
    (
        "a provider event says success, the attempt is open",
        """
        SELECT a.id, a.status FROM disbursements_attempt a
        JOIN disbursements_providerevent e ON e.external_id = a.external_id
            AND e.status = 'success'
        WHERE a.status IN ('created', 'pending', 'unknown')
        """,
    ),
    (
        "in flight without an approved batch",
        """
        SELECT i.id, coalesce(b.status, '-') FROM disbursements_instalment i
        LEFT JOIN disbursements_batch b ON b.id = i.batch_id
        WHERE i.status = 'in_flight' AND (b.id IS NULL OR b.approval_posting_id IS NULL)
        """,
    ),
    (
        "a card's payable balance differs from its due and failed instalments",
        """
        SELECT c.id, coalesce(l.balance, 0) - coalesce(owed.total, 0)
        FROM cards_card c
        LEFT JOIN ledger_ledgeraccount l ON l.code = 'incentive:card:' || c.id
        LEFT JOIN (SELECT card_id, sum(amount) AS total FROM disbursements_instalment
                   WHERE status IN ('due', 'failed') GROUP BY card_id) owed
            ON owed.card_id = c.id
        WHERE coalesce(l.balance, 0) <> coalesce(owed.total, 0)
        """,
    ),
    (
        "money in flight differs from the instalments being paid",
        """
        SELECT 0, (SELECT coalesce(sum(balance), 0) FROM ledger_ledgeraccount
                   WHERE owner_type = 'payouts.in_flight')
                - (SELECT coalesce(sum(amount), 0) FROM disbursements_instalment
                   WHERE status = 'in_flight')
        WHERE (SELECT coalesce(sum(balance), 0) FROM ledger_ledgeraccount
               WHERE owner_type = 'payouts.in_flight')
           <> (SELECT coalesce(sum(amount), 0) FROM disbursements_instalment
               WHERE status = 'in_flight')
        """,
    ),
    (
        "money settled differs from the instalments paid",
        """
        SELECT 0, (SELECT coalesce(sum(balance), 0) FROM ledger_ledgeraccount
                   WHERE owner_type = 'payouts.settled')
                - (SELECT coalesce(sum(amount), 0) FROM disbursements_instalment
                   WHERE status = 'paid')
        WHERE (SELECT coalesce(sum(balance), 0) FROM ledger_ledgeraccount
               WHERE owner_type = 'payouts.settled')
           <> (SELECT coalesce(sum(amount), 0) FROM disbursements_instalment
               WHERE status = 'paid')
        """,
    ),
]


def verify_payouts(*, limit: int = 20) -> list[tuple[str, list[tuple[object, object]]]]:
    """The checks that failed, each with up to `limit` offending (id, detail) rows."""
    failures = []
    with connection.cursor() as cursor:
        for name, sql in CHECKS:
            cursor.execute(f"{sql} LIMIT {int(limit)}")
            rows = cursor.fetchall()
            if rows:
                failures.append((name, [(row[0], row[1]) for row in rows]))
    return failures
