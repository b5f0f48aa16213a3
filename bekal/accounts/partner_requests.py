"""What the partner API remembers about requests: nonces (a signed request is accepted
once), idempotency records (a write sent again with its Idempotency-Key gets the first
response again and acts once), the per-client request limit, and when a credential was
last used, and the limits on requests and on failures to authenticate.

Signing itself is HTTP and lives with the API (bekal.api.partners.v1.security); this
module keeps the state in PostgreSQL so every app server shares it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from bekal.accounts.models import (
    PartnerClient,
    PartnerCredential,
    PartnerIdempotencyRecord,
    PartnerNonce,
)
from bekal.accounts.throttling import Limit

#: How long a write's response is kept for replay under its Idempotency-Key.
IDEMPOTENCY_RETENTION = dt.timedelta(hours=24)
#: last_used_at is written at most this often per credential (not on every request).
LAST_USED_PRECISION = dt.timedelta(minutes=5)


def request_limit() -> Limit:
    """Requests a client may send a minute; the next waits for the minute to pass."""
    minute = dt.timedelta(minutes=1)
    return Limit("partner_api", settings.BEKAL_PARTNER_API_REQUESTS_PER_MINUTE, minute, minute)


def failure_limit() -> Limit:
    """Requests naming one live key id that may fail authentication (a wrong signature,
    an old timestamp, a reused nonce) in a minute before its failing requests wait."""
    minute = dt.timedelta(minutes=1)
    return Limit(
        "partner_api_key_failures", settings.BEKAL_PARTNER_API_FAILURES_PER_MINUTE, minute, minute
    )


def address_failure_limit() -> Limit:
    """Requests with no usable key (no or malformed signing headers, an unknown or revoked
    key id) one address may send in a minute before such requests from it wait: a coarse
    backstop, as many platforms may share one address behind a load balancer."""
    minute = dt.timedelta(minutes=1)
    return Limit(
        "partner_api_address_failures",
        settings.BEKAL_PARTNER_API_ADDRESS_FAILURES_PER_MINUTE,
        minute,
        minute,
    )


def accept_nonce(*, credential: PartnerCredential, nonce: str, expires_at: dt.datetime) -> bool:
    """Remember the nonce of a credential's request; False when it was already used.

    One statement, safe under concurrency: of two requests with one nonce, one wins.
    """
    table = PartnerNonce._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (credential_id, nonce, expires_at)
            VALUES (%s, %s, %s)
            ON CONFLICT (credential_id, nonce) DO NOTHING
            RETURNING id
            """,  # noqa: S608 - the table name is ours, values are parameters
            [credential.pk, nonce, expires_at],
        )
        return cursor.fetchone() is not None


def note_credential_used(*, credential: PartnerCredential, now: dt.datetime | None = None) -> None:
    """Record that the credential signed a request, at most every few minutes."""
    now = now or timezone.now()
    last = credential.last_used_at
    if last is not None and now - last < LAST_USED_PRECISION:
        return
    PartnerCredential.objects.filter(pk=credential.pk).update(last_used_at=now)
    credential.last_used_at = now


@dataclass(frozen=True, slots=True)
class WriteRequest:
    """A client's write as the idempotency record knows it."""

    client: PartnerClient
    key: str
    method: str
    path: str
    body_sha256: str

    @property
    def lock_id(self) -> int:
        digest = hashlib.sha256(f"partner-idempotency:{self.client.pk}:{self.key}".encode())
        return int.from_bytes(digest.digest()[:8], "big", signed=True)

    def matches(self, record: PartnerIdempotencyRecord) -> bool:
        return (record.method, record.path, record.body_sha256) == (
            self.method,
            self.path,
            self.body_sha256,
        )


def lock_idempotency_key(*, write: WriteRequest) -> PartnerIdempotencyRecord | None:
    """Inside the write's transaction: wait for any other request holding the same key to
    finish, then return the record it left (None when the key is new). The lock is
    released when the transaction ends."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_idempotency_key runs inside the write's transaction")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [write.lock_id])
    return PartnerIdempotencyRecord.objects.filter(client=write.client, key=write.key).first()


def save_idempotency_record(
    *, write: WriteRequest, status_code: int, response_body: str
) -> PartnerIdempotencyRecord:
    """Keep the response of a write, in the transaction that acted."""
    return PartnerIdempotencyRecord.objects.create(
        client=write.client,
        key=write.key,
        method=write.method,
        path=write.path,
        body_sha256=write.body_sha256,
        status_code=status_code,
        response_body=response_body,
    )


def purge_partner_request_records(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Forget nonces whose requests can no longer be accepted and idempotency records
    past their retention. Returns how many of each were deleted."""
    now = now or timezone.now()
    nonces, _ = PartnerNonce.objects.filter(expires_at__lt=now).delete()
    records, _ = PartnerIdempotencyRecord.objects.filter(
        created_at__lt=now - IDEMPOTENCY_RETENTION
    ).delete()
    return nonces, records
