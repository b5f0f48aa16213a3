"""Where payout money sits on the ledger, and the postings that move it.

    programme:incentive_fund:<year>  --due-->       incentive:card:<card>   (payable)
    incentive:card:<card>            --approved-->  payouts:in_flight:<provider>:<k>
    payouts:in_flight:<provider>:<k> --confirmed--> payouts:settled:<provider>:<k>
    payouts:in_flight:<provider>:<k> --failed-->    incentive:card:<card>
    a return after success: the confirmation reversed, then in flight -> payable.

The fund, in-flight and settled accounts are hot: due and approval are posted per chunk
of at most BEKAL_PAYOUT_BATCH_SIZE instalments (one transaction, many lines), and the
per-instalment postings of confirmations and failures are spread over SHARDS sub-accounts
(k = instalment id mod SHARDS), so no single row lock serialises them. Every posting is
keyed: a repeat posts nothing.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence

from bekal.ledger.errors import InsufficientBalanceError
from bekal.ledger.models import AccountKind, LedgerAccount, Transaction
from bekal.ledger.services import open_account, open_accounts, post_transaction

SHARDS = 16
BUDGET_CODE = "state:budget"


def fund_account(scheme_code: str) -> LedgerAccount:
    return open_account(
        code=f"programme:incentive_fund:{scheme_code}",
        kind=AccountKind.PROGRAMME_FUND,
        owner_type="programme",
        owner_id=f"incentives:{scheme_code}",
    )


def payable_code(card_id: int) -> str:
    return f"incentive:card:{card_id}"


def payable_accounts(card_ids: Iterable[int]) -> dict[int, LedgerAccount]:
    """The payable account of each card, opened in one statement when new."""
    ids = sorted(set(card_ids))
    accounts = open_accounts(
        specs=[
            (payable_code(card_id), AccountKind.INCENTIVE_PAYABLE, "cards.card", str(card_id))
            for card_id in ids
        ]
    )
    return {int(account.owner_id): account for account in accounts}


def in_flight_account(provider: str, instalment_id: int) -> LedgerAccount:
    shard = instalment_id % SHARDS
    return open_account(
        code=f"payouts:in_flight:{provider}:{shard}",
        kind=AccountKind.INCENTIVE_PAYABLE,
        owner_type="payouts.in_flight",
        owner_id=f"{provider}:{shard}",
    )


def settled_account(provider: str, instalment_id: int) -> LedgerAccount:
    shard = instalment_id % SHARDS
    return open_account(
        code=f"payouts:settled:{provider}:{shard}",
        kind=AccountKind.PAID_OUT,
        owner_type="payouts.settled",
        owner_id=f"{provider}:{shard}",
    )


def chunk_key(prefix: str, ids: Sequence[int]) -> str:
    digest = hashlib.sha256(",".join(map(str, sorted(ids))).encode()).hexdigest()[:32]
    return f"{prefix}:{digest}"


def post_due(*, scheme_code: str, items: Sequence[tuple[int, int, int]]) -> Transaction:
    """fund -> payable for (instalment id, card id, amount) items, one transaction; the
    fund draws what it lacks from the state budget first (keyed the same way)."""
    fund = fund_account(scheme_code)
    payables = payable_accounts(card_id for _i, card_id, _a in items)
    per_card: dict[int, int] = defaultdict(int)
    for _instalment, card_id, amount in items:
        per_card[card_id] += amount
    total = sum(per_card.values())
    key = chunk_key("incentive-due", [i for i, _c, _a in items])
    lines = [(fund, -total)] + [(payables[card], amount) for card, amount in per_card.items()]
    try:
        return post_transaction(
            idempotency_key=key,
            kind="incentive_due",
            lines=lines,
            metadata={"scheme": scheme_code, "instalments": len(items)},
        )
    except InsufficientBalanceError as error:
        if error.account_code != fund.code:
            raise
        shortfall = error.needed - error.available
    budget = open_account(code=BUDGET_CODE, kind=AccountKind.FUNDING_SOURCE)
    post_transaction(
        idempotency_key=f"incentive-funding:{key}",
        kind="programme_funding",
        lines=[(budget, -shortfall), (fund, shortfall)],
        description=f"State budget to the {scheme_code} incentive fund",
    )
    return post_transaction(
        idempotency_key=key,
        kind="incentive_due",
        lines=lines,
        metadata={"scheme": scheme_code, "instalments": len(items)},
    )


def post_approval(
    *, batch_id: int, provider: str, items: Sequence[tuple[int, int, int]]
) -> Transaction:
    """payable -> in flight for a batch's (instalment id, card id, amount) items."""
    payables = payable_accounts(card_id for _i, card_id, _a in items)
    per_card: dict[int, int] = defaultdict(int)
    per_shard: dict[int, int] = defaultdict(int)
    for instalment_id, card_id, amount in items:
        per_card[card_id] += amount
        per_shard[instalment_id % SHARDS] += amount
    lines = [(payables[card], -amount) for card, amount in per_card.items()]
    lines += [(in_flight_account(provider, shard), amount) for shard, amount in per_shard.items()]
    return post_transaction(
        idempotency_key=f"payout-batch-approved:{batch_id}",
        kind="payout_approved",
        lines=lines,
        metadata={"batch": batch_id, "instalments": len(items)},
    )


def post_confirmation(
    *, external_id: str, provider: str, instalment_id: int, amount: int
) -> Transaction:
    return post_transaction(
        idempotency_key=f"payout-confirmed:{external_id}",
        kind="payout_confirmed",
        lines=[
            (in_flight_account(provider, instalment_id), -amount),
            (settled_account(provider, instalment_id), amount),
        ],
        metadata={"attempt": external_id, "instalment": instalment_id},
    )


def post_failure(
    *,
    external_id: str,
    provider: str,
    instalment_id: int,
    card_id: int,
    amount: int,
    returned: bool = False,
) -> Transaction:
    """in flight -> payable: the money is owed to the participant again."""
    prefix = "payout-returned" if returned else "payout-failed"
    return post_transaction(
        idempotency_key=f"{prefix}:{external_id}",
        kind="payout_returned" if returned else "payout_failed",
        lines=[
            (in_flight_account(provider, instalment_id), -amount),
            (payable_accounts([card_id])[card_id], amount),
        ],
        metadata={"attempt": external_id, "instalment": instalment_id},
    )
