"""The payouts benchmark's data, not timed: card holders with an active 2023 card
(bench.marketplace_data.build_holders), each with one self-paced training bought,
completed with its certificate and reviewed, and a payout account linked (MATCH).

Written set-based, as the services leave them: per card one purchase posting (card ->
the platform's receivable, key "purchase:bench:<card>") with its two entries and the
cached balances moved; the purchase, its completion and its review rows; the payout
accounts with their numbers encrypted (bekal.core.crypto) and blind-indexed. Linking is
one person at a time in real life (an inquiry and an SMS code each): not measured here.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from bekal.core.crypto import encrypt
from bekal.disbursements.models import PayoutAccount
from bekal.disbursements.services.accounts import number_index
from bekal.ledger.models import AccountKind
from bekal.ledger.services import open_account
from bekal.marketplace.models import Course, Platform

PRICE = 500_000


@transaction.atomic
def complete_and_review(*, card_ids: list[int], course: Course, platform: Platform) -> None:
    now = timezone.now()
    receivable = open_account(
        code=platform.receivable_account_code,
        kind=AccountKind.PLATFORM_RECEIVABLE,
        owner_type="marketplace.platform",
        owner_id=str(platform.pk),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH posted AS (
                INSERT INTO ledger_transaction (idempotency_key, kind, description, created_at,
                    metadata)
                SELECT 'purchase:bench:' || id, 'training_purchase', 'bench purchase', %(now)s,
                       jsonb_build_object('card', id)
                FROM unnest(%(cards)s::bigint[]) AS id
                RETURNING id, (metadata ->> 'card')::bigint AS card_id
            ), entries AS (
                INSERT INTO ledger_entry (transaction_id, account_id, amount)
                SELECT p.id, c.ledger_account_id, -%(price)s
                FROM posted p JOIN cards_card c ON c.id = p.card_id
                UNION ALL
                SELECT p.id, %(receivable)s, %(price)s FROM posted p
                RETURNING account_id, amount
            ), moved AS (
                UPDATE ledger_ledgeraccount AS a SET balance = a.balance + d.delta
                FROM (SELECT account_id, sum(amount) AS delta FROM entries
                      GROUP BY account_id) AS d
                WHERE a.id = d.account_id
            ), bought AS (
                INSERT INTO marketplace_purchase (card_id, user_id, course_id, platform_id,
                    price, ledger_transaction_id, idempotency_key, voucher_code, status,
                    paid_at, redeemed_at, completed_at, refund_reason, created_at, updated_at)
                SELECT c.id, c.user_id, %(course)s, %(platform)s, %(price)s, p.id,
                       'bench-' || c.id, upper(substr(md5('v' || c.id), 1, 12)), 'completed',
                       %(now)s, %(now)s, %(now)s, '', %(now)s, %(now)s
                FROM posted p JOIN cards_card c ON c.id = p.card_id
                RETURNING id, user_id
            ), completed AS (
                INSERT INTO marketplace_completion (purchase_id, platform_id, certificate_number,
                    completed_at, reported_at, evidence, verification_token)
                SELECT id, %(platform)s, 'BENCH/' || id, %(now)s, %(now)s,
                       '{"progress_percent": 100}'::jsonb, md5('t' || id)
                FROM bought
            )
            INSERT INTO marketplace_review (purchase_id, user_id, course_id, rating, comment,
                created_at)
            SELECT id, user_id, %(course)s, 5, '', %(now)s FROM bought
            """,
            {
                "now": now,
                "cards": card_ids,
                "price": PRICE,
                "receivable": receivable.pk,
                "course": course.pk,
                "platform": platform.pk,
            },
        )


def bank_number(user_id: int) -> str:
    return f"7{user_id:09d}00"  # ends in 00: the simulator pays it


def link_accounts(*, users: list[tuple[int, str]]) -> dict[str, str]:
    """A matched BNI account for each (user id, name); returns number -> holder name."""
    now = timezone.now()
    holders = {}
    rows = []
    for user_id, name in users:
        number = bank_number(user_id)
        holders[number] = name.upper()
        rows.append(
            PayoutAccount(
                user_id=user_id,
                channel="bni",
                number_encrypted=encrypt(number),
                number_index=number_index(number),
                number_last4=number[-4:],
                holder_name=name.upper(),
                name_match="match",
                status=PayoutAccount.Status.ACTIVE,
                activated_at=now,
            )
        )
    PayoutAccount.objects.bulk_create(rows, batch_size=2000)
    return holders
