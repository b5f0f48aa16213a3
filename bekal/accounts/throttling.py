"""Counting attempts per account and per IP address (NIST SP 800-63B 5.2.2 rate limiting).

Counters live in PostgreSQL, shared by every app server, updated with one atomic upsert.
An account key is a keyed hash of the normalized email, so the counter exists (and
behaves the same) whether or not an account has that email: no hint leaks either way.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from bekal.accounts.models import AuthThrottle


@dataclass(frozen=True)
class Limit:
    scope: str
    max_count: int
    window: timedelta
    lockout: timedelta


def key_hash(value: str) -> str:
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, value.strip().lower().encode(), hashlib.sha256).hexdigest()


def retry_after(*, limit: Limit, key: str, now: datetime | None = None) -> int:
    """Seconds until `key` may try again under `limit`; 0 when it is not locked."""
    now = now or timezone.now()
    row = AuthThrottle.objects.filter(scope=limit.scope, key_hash=key_hash(key)).first()
    if row is None or row.locked_until is None or row.locked_until <= now:
        return 0
    return max(1, int((row.locked_until - now).total_seconds() + 0.999))


def register_attempt(*, limit: Limit, key: str, now: datetime | None = None) -> int:
    """Count one attempt; lock the key when the window's count reaches the limit.

    Returns the seconds the key is now locked for (0 when it is not).
    """
    now = now or timezone.now()
    table = AuthThrottle._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} AS t (scope, key_hash, window_started_at, count, locked_until)
            VALUES (%(scope)s, %(key)s, %(now)s, 1, NULL)
            ON CONFLICT (scope, key_hash) DO UPDATE SET
                count = CASE WHEN t.window_started_at <= %(window_start)s
                             THEN 1 ELSE t.count + 1 END,
                window_started_at = CASE WHEN t.window_started_at <= %(window_start)s
                             THEN %(now)s ELSE t.window_started_at END,
                locked_until = CASE WHEN t.locked_until <= %(now)s THEN NULL
                             ELSE t.locked_until END
            RETURNING count
            """,  # noqa: S608 - the table name is ours, values are parameters
            {
                "scope": limit.scope,
                "key": key_hash(key),
                "now": now,
                "window_start": now - limit.window,
            },
        )
        (count,) = cursor.fetchone()
    if count < limit.max_count:
        return 0
    locked_until = now + limit.lockout
    AuthThrottle.objects.filter(scope=limit.scope, key_hash=key_hash(key)).update(
        locked_until=locked_until
    )
    return int(limit.lockout.total_seconds())


def reset(*, limit: Limit, key: str) -> None:
    AuthThrottle.objects.filter(scope=limit.scope, key_hash=key_hash(key)).delete()


def login_limits() -> tuple[Limit, Limit]:
    lockout = timedelta(seconds=settings.BEKAL_LOGIN_LOCKOUT_SECONDS)
    return (
        Limit("login_account", settings.BEKAL_LOGIN_FAILURES_PER_ACCOUNT, lockout, lockout),
        Limit("login_ip", settings.BEKAL_LOGIN_FAILURES_PER_IP, lockout, lockout),
    )


def reset_limits() -> tuple[Limit, Limit]:
    window = timedelta(seconds=settings.BEKAL_RESET_WINDOW_SECONDS)
    return (
        Limit("reset_account", settings.BEKAL_RESET_REQUESTS_PER_ACCOUNT, window, window),
        Limit("reset_ip", settings.BEKAL_RESET_REQUESTS_PER_IP, window, window),
    )
