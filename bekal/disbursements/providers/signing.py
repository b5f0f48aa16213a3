"""Request and callback signatures, after SNAP's symmetric signature: HMAC-SHA512 over
METHOD:PATH:sha256(body):TIMESTAMP with the secret both sides share."""

from __future__ import annotations

import hashlib
import hmac


def signature(*, secret: str, method: str, path: str, body: bytes, timestamp: str) -> str:
    digest = hashlib.sha256(body).hexdigest().lower()
    message = f"{method.upper()}:{path}:{digest}:{timestamp}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha512).hexdigest()


def is_valid(
    *, secret: str, method: str, path: str, body: bytes, timestamp: str, given: str
) -> bool:
    expected = signature(secret=secret, method=method, path=path, body=body, timestamp=timestamp)
    return hmac.compare_digest(expected, given or "")
