"""The marketplace benchmark's load: purchases through the service on threads, each with
its own database connection, and partner API calls over HTTP on threads, each with its
own HTTP client; and the checks of the ledger afterwards.

Every attempt is timed from just before the call to just after it returns or raises; its
outcome is "bought" (a purchase), the refusal's code (a DomainError), the HTTP status
(a partner call), or the exception's class name (anything else, which is a failure).
"""

from __future__ import annotations

import queue
import random
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
from django.db import connection

from bekal.api.partners.v1.security import (
    KEY_HEADER,
    NONCE_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    sign,
)
from bekal.core.errors import DomainError
from bekal.ledger.selectors import LedgerVerification, verify_balances
from bekal.marketplace.models import Format, Purchase
from bekal.marketplace.services.purchases import purchase_course
from bench.marketplace_data import Catalogue, Holders
from bench.signup import percentile

T = TypeVar("T")
BOUGHT = "bought"
BALANCE_REFUSED = "balance_insufficient"
PREFIX = "/api/partners/v1"


@dataclass
class Phase:
    """What one measured phase did: outcomes, latencies (seconds) and its wall time."""

    label: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    #: The first message of each outcome that is an exception.
    examples: dict[str, str] = field(default_factory=dict)

    @property
    def attempts(self) -> int:
        return len(self.latencies)

    def per_second(self, outcome: str | None = None) -> float:
        done = self.attempts if outcome is None else self.outcomes[outcome]
        return done / self.seconds if self.seconds else 0.0

    def ms(self, pct: float) -> float:
        return percentile(self.latencies, pct) * 1000

    def add(self, other: Phase) -> None:
        self.seconds += other.seconds
        self.latencies += other.latencies
        self.outcomes.update(other.outcomes)
        for outcome, message in other.examples.items():
            self.examples.setdefault(outcome, message)


def run_threads(
    label: str,
    items: Sequence[T],
    act: Callable[[T], str],
    *,
    threads: int,
    finish: Callable[[], None],
) -> Phase:
    """Run `act` on every item on `threads` threads, all released at once; `finish` runs
    on each thread when it has no more work (to close its connection or client)."""
    work: queue.SimpleQueue[T] = queue.SimpleQueue()
    for item in items:
        work.put(item)
    start = threading.Barrier(threads + 1)
    done: list[Phase] = [Phase(label) for _ in range(threads)]

    def worker(mine: Phase) -> None:
        try:
            start.wait(timeout=60)
            while True:
                try:
                    item = work.get_nowait()
                except queue.Empty:
                    return
                began = time.perf_counter()
                try:
                    outcome = act(item)
                except Exception as error:  # a failure: reported, never hidden
                    outcome = type(error).__name__
                    mine.examples.setdefault(outcome, str(error)[:300])
                mine.latencies.append(time.perf_counter() - began)
                mine.outcomes[outcome] += 1
        finally:
            finish()

    pool = [threading.Thread(target=worker, args=(mine,)) for mine in done]
    for thread in pool:
        thread.start()
    start.wait(timeout=60)
    began = time.perf_counter()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - began
    phase = Phase(label)
    for mine in done:
        phase.add(mine)
    phase.seconds = elapsed
    return phase


# --- purchases --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Order:
    user: Any
    course_id: int
    session_id: int | None
    key: str


def close_connection() -> None:
    """Close the calling thread's own database connection."""
    connection.close()


def buy(order: Order) -> str:
    try:
        purchase_course(
            user=order.user,
            course_id=order.course_id,
            session_id=order.session_id,
            idempotency_key=order.key,
        )
    except DomainError as refusal:
        return refusal.code
    return BOUGHT


def _order(user: Any, catalogue: Catalogue, index: int, key: str) -> Order:
    course = catalogue.courses[index % len(catalogue.courses)]
    sessions = catalogue.sessions.get(course.pk)
    session = sessions[index // len(catalogue.courses) % len(sessions)] if sessions else None
    return Order(user=user, course_id=course.pk, session_id=session, key=key)


def spread_purchases(
    users: Sequence[Any], catalogue: Catalogue, *, threads: int, token: str
) -> Phase:
    """Every user buys one course (the courses in turn, webinars' sessions in turn)."""
    orders = [
        _order(user, catalogue, n, f"bench-{token}-spread-{n}") for n, user in enumerate(users)
    ]
    return run_threads(
        "purchases, one per card", orders, buy, threads=threads, finish=close_connection
    )


def contention_purchases(
    users: Sequence[Any], catalogue: Catalogue, *, threads: int, token: str
) -> Phase:
    """Card after card, `threads` threads try to buy every course of the catalogue (in a
    shuffled order) with that one card, until its balance is spent."""
    phase = Phase("purchases, one card raced")
    for n, user in enumerate(users):
        indexes = list(range(len(catalogue.courses)))
        random.Random(n).shuffle(indexes)
        orders = [_order(user, catalogue, i, f"bench-{token}-race-{n}-{i}") for i in indexes]
        phase.add(run_threads(phase.label, orders, buy, threads=threads, finish=close_connection))
    return phase


# --- the ledger afterwards --------------------------------------------------------------


@dataclass
class LedgerCheck:
    verification: LedgerVerification
    purchases: int
    #: Cards whose balance is not their opening balance less the prices they paid.
    cards_not_matching: int
    #: The lowest balance any raced card had after any of its entries (running sum).
    lowest_raced_balance: int
    #: The lowest balance of any card now.
    lowest_balance: int


def check_ledger(*, holders: Holders, raced: Sequence[Any]) -> LedgerCheck:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FILTER (WHERE a.balance <> %s - coalesce(p.spent, 0)),
                   coalesce(min(a.balance), 0)
            FROM cards_card AS c
            JOIN ledger_ledgeraccount AS a ON a.id = c.ledger_account_id
            LEFT JOIN (SELECT card_id, sum(price) AS spent FROM marketplace_purchase
                       GROUP BY card_id) AS p ON p.card_id = c.id
            WHERE c.wave_id = %s
            """,
            [holders.balance, holders.wave.pk],
        )
        not_matching, lowest = cursor.fetchone()
        cursor.execute(
            """
            SELECT coalesce(min(running), 0) FROM (
                SELECT sum(e.amount) OVER (PARTITION BY e.account_id ORDER BY e.id) AS running
                FROM ledger_entry AS e
                JOIN cards_card AS c ON c.ledger_account_id = e.account_id
                WHERE c.user_id = ANY(%s)
            ) AS s
            """,
            [[user.pk for user in raced]],
        )
        (lowest_raced,) = cursor.fetchone()
    return LedgerCheck(
        verification=verify_balances(),
        purchases=Purchase.objects.filter(card__wave=holders.wave).count(),
        cards_not_matching=not_matching,
        lowest_raced_balance=int(lowest_raced),
        lowest_balance=int(lowest),
    )


# --- the partner API over HTTP ----------------------------------------------------------


def self_paced_vouchers(catalogue: Catalogue, *, limit: int) -> list[str]:
    """Codes (XXXX-XXXX-XXXX) of unredeemed self-paced vouchers of the platform."""
    purchases = Purchase.objects.filter(
        platform=catalogue.platform,
        course__format=Format.SELF_PACED,
        status=Purchase.Status.PAID,
    ).order_by("pk")[:limit]
    return [purchase.voucher_display for purchase in purchases]


def signed_headers(
    *, key_id: str, secret: str, method: str, path: str, idempotency_key: str = ""
) -> dict[str, str]:
    """The signature headers of a request without a body (docs/partners.md)."""
    timestamp, nonce = str(int(time.time())), secrets.token_urlsafe(24)
    headers = {
        KEY_HEADER: key_id,
        TIMESTAMP_HEADER: timestamp,
        NONCE_HEADER: nonce,
        SIGNATURE_HEADER: sign(
            secret=secret,
            method=method,
            path_with_query=path,
            timestamp=timestamp,
            nonce=nonce,
            body=b"",
        ),
    }
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    return headers


def partner_calls(
    base_url: str,
    catalogue: Catalogue,
    codes: Sequence[str],
    *,
    clients: int,
    warmup: int = 0,
) -> tuple[Phase, Phase]:
    """GET /vouchers/{code} for every code, then POST /vouchers/{code}/redeem for every
    code (each with its own Idempotency-Key), from `clients` threads at once. `warmup`
    GETs first, not measured."""
    local = threading.local()
    refused: dict[str, str] = {}

    def http() -> httpx.Client:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=base_url, timeout=60)
        return local.client

    def close() -> None:
        if hasattr(local, "client"):
            local.client.close()
            del local.client

    def call(method: str, path: str, key: str = "") -> str:
        headers = signed_headers(
            key_id=catalogue.key_id,
            secret=catalogue.secret,
            method=method,
            path=PREFIX + path,
            idempotency_key=key,
        )
        response = http().request(method, PREFIX + path, headers=headers)
        status = str(response.status_code)
        if response.status_code >= 400:
            refused.setdefault(status, response.text[:300])
        return status

    def read(code: str) -> str:
        return call("GET", f"/vouchers/{code}")

    def redeem(code: str) -> str:
        return call("POST", f"/vouchers/{code}/redeem", key=f"redeem-{code}")

    if warmup:
        warm = [codes[n % len(codes)] for n in range(warmup)]
        run_threads("warm-up", warm, read, threads=clients, finish=close)
    reads = run_threads("GET /vouchers/{code}", codes, read, threads=clients, finish=close)
    redeems = run_threads(
        "POST /vouchers/{code}/redeem", codes, redeem, threads=clients, finish=close
    )
    for phase in (reads, redeems):
        for status in phase.outcomes:
            if status in refused:
                phase.examples.setdefault(status, refused[status])
    return reads, redeems
