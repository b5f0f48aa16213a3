"""Signed requests: every call to the partner API carries its credential's key id, a
Unix timestamp, a fresh nonce and an HMAC-SHA256 signature with the credential's secret
over

    METHOD "\\n" PATH_WITH_QUERY "\\n" TIMESTAMP "\\n" NONCE "\\n" hex(sha256(body))

where PATH_WITH_QUERY is the request target as sent, percent-encoding and all.

A request is refused when a header is missing (signature_required), the key is unknown
or revoked or its client inactive (invalid_credentials), the timestamp is further from
Bekal's clock than BEKAL_PARTNER_API_CLOCK_SKEW_SECONDS (timestamp_out_of_range), the
signature does not match (invalid_signature), or the nonce was used before by the same
credential (nonce_reused).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from bekal.accounts.models import PartnerClient, PartnerCredential
from bekal.accounts.partner_clients import get_live_credential
from bekal.accounts.partner_requests import accept_nonce, note_credential_used
from bekal.api.partners.v1.errors import (
    InvalidCredentialsError,
    InvalidSignatureError,
    NonceReusedError,
    NotAPlatformError,
    SignatureRequiredError,
    TimestampOutOfRangeError,
)
from bekal.marketplace.models import Platform
from bekal.marketplace.selectors import get_platform_for_client

KEY_HEADER = "X-Bekal-Key"
TIMESTAMP_HEADER = "X-Bekal-Timestamp"
NONCE_HEADER = "X-Bekal-Nonce"
SIGNATURE_HEADER = "X-Bekal-Signature"

KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
TIMESTAMP = re.compile(r"[0-9]{1,12}")
NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
SIGNATURE = re.compile(r"[0-9a-fA-F]{64}")


def string_to_sign(
    *, method: str, path_with_query: str, timestamp: str, nonce: str, body: bytes
) -> str:
    body_hash = hashlib.sha256(body).hexdigest()
    return "\n".join((method.upper(), path_with_query, timestamp, nonce, body_hash))


def sign(
    *, secret: str, method: str, path_with_query: str, timestamp: str, nonce: str, body: bytes
) -> str:
    """The lowercase hex signature of a request (what a partner computes)."""
    message = string_to_sign(
        method=method, path_with_query=path_with_query, timestamp=timestamp, nonce=nonce, body=body
    )
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Partner:
    """Who signed the request: the credential, its client, and the client's platform."""

    credential: PartnerCredential
    client: PartnerClient
    platform: Platform


def _header(request: HttpRequest, name: str, pattern: re.Pattern[str]) -> str:
    value = request.headers.get(name, "").strip()
    if not pattern.fullmatch(value):
        raise SignatureRequiredError(field=name, header=name)
    return value


def path_as_sent(request: HttpRequest) -> str:
    """The path and query of the request line, byte for byte as the client sent them
    (percent-encoding untouched): what the client signed.

    gunicorn gives it as RAW_URI, uWSGI and mod_wsgi as REQUEST_URI. A server that gives
    neither (Django's development server) leaves only the decoded path, encoded again.
    """
    raw = request.META.get("RAW_URI") or request.META.get("REQUEST_URI") or ""
    if raw.startswith(("http://", "https://")):  # the absolute form of a request target
        raw = "/" + raw.split("://", 1)[1].partition("/")[2]
    return raw if raw.startswith("/") else request.get_full_path()


@dataclass(frozen=True, slots=True)
class Presented:
    """What a request presents: its signing headers and the live credential its key id
    names."""

    credential: PartnerCredential
    secret: str
    timestamp: str
    nonce: str
    signature: str


def identify(request: HttpRequest) -> Presented:
    """The live credential a request names, with its signing headers; a refusal when a
    header is missing or malformed (signature_required) or the key id names no live
    credential (invalid_credentials): the request has no usable key."""
    key_id = _header(request, KEY_HEADER, KEY_ID)
    timestamp = _header(request, TIMESTAMP_HEADER, TIMESTAMP)
    nonce = _header(request, NONCE_HEADER, NONCE)
    given = _header(request, SIGNATURE_HEADER, SIGNATURE).lower()
    live = get_live_credential(key_id=key_id)
    if live is None:
        raise InvalidCredentialsError(field=KEY_HEADER)
    credential, secret = live
    return Presented(
        credential=credential, secret=secret, timestamp=timestamp, nonce=nonce, signature=given
    )


def verify(
    request: HttpRequest, presented: Presented, *, now: dt.datetime | None = None
) -> Partner:
    """The partner that signed `request` with the credential it names, or a refusal:
    timestamp_out_of_range, invalid_signature, nonce_reused (failures of that key id),
    or not_a_platform."""
    now = now or timezone.now()
    skew = settings.BEKAL_PARTNER_API_CLOCK_SKEW_SECONDS
    signed_at = int(presented.timestamp)
    if abs(now.timestamp() - signed_at) > skew:
        raise TimestampOutOfRangeError(field=TIMESTAMP_HEADER, seconds=skew)

    expected = sign(
        secret=presented.secret,
        method=request.method or "",
        path_with_query=path_as_sent(request),
        timestamp=presented.timestamp,
        nonce=presented.nonce,
        body=request.body,
    )
    if not hmac.compare_digest(expected, presented.signature):
        raise InvalidSignatureError(field=SIGNATURE_HEADER)

    # A nonce matters while its timestamp could still be accepted; then it is purged.
    credential = presented.credential
    expires_at = dt.datetime.fromtimestamp(signed_at + skew, tz=dt.UTC)
    if not accept_nonce(credential=credential, nonce=presented.nonce, expires_at=expires_at):
        raise NonceReusedError(field=NONCE_HEADER)

    platform = get_platform_for_client(client_id=credential.client_id)
    if platform is None:
        raise NotAPlatformError()
    note_credential_used(credential=credential, now=now)
    return Partner(credential=credential, client=credential.client, platform=platform)


def authenticate(request: HttpRequest, *, now: dt.datetime | None = None) -> Partner:
    """The partner that signed `request`, or a refusal (a DomainError with code)."""
    return verify(request, identify(request), now=now)


def partner_of(request: HttpRequest) -> Partner:
    """The partner the request pipeline authenticated (bekal.api.partners.v1.pipeline)."""
    partner = getattr(request, "partner", None)
    if not isinstance(partner, Partner):
        raise InvalidCredentialsError()
    return partner


def platform_of(request: HttpRequest) -> Platform:
    return partner_of(request).platform
