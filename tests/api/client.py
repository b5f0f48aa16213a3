"""A partner's client of the Bekal partner API, written from the guide (docs/partners.md):
it signs every request and gives every write a fresh Idempotency-Key unless told one."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import uuid
from typing import Any

import httpx

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
PREFIX = "/api/partners/v1"


def signature(
    *, secret: str, method: str, path_with_query: str, timestamp: str, nonce: str, body: bytes
) -> str:
    """Lowercase hex HMAC-SHA256 over the five lines of the guide's recipe."""
    message = "\n".join(
        [method, path_with_query, timestamp, nonce, hashlib.sha256(body).hexdigest()]
    )
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


class SigningClient:
    """Call the API as one credential: `client.get("/me")`, `client.post("/providers",
    json={...})`. Options of `request` let a test break one part of the signing."""

    def __init__(self, base_url: str, *, key_id: str, secret: str, language: str = "") -> None:
        self.key_id = key_id
        self.secret = secret
        self.language = language
        self.http = httpx.Client(base_url=base_url.rstrip("/") + PREFIX, timeout=60)

    def close(self) -> None:
        self.http.close()

    def build(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        content: bytes | None = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        idempotency_key: str | None = "",
        timestamp: int | None = None,
        nonce: str | None = None,
        secret: str | None = None,
    ) -> httpx.Request:
        """A signed request. `idempotency_key=""` draws a fresh one for a write, None
        sends none; `secret` signs with another secret (a wrong signature)."""
        method = method.upper()
        body = content if content is not None else b""
        extra = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body).encode()
            extra.setdefault("Content-Type", "application/json")
        if self.language:
            extra.setdefault("Accept-Language", self.language)
        if method in WRITES and idempotency_key is not None:
            extra.setdefault("Idempotency-Key", idempotency_key or str(uuid.uuid4()))
        request = self.http.build_request(method, path, content=body, params=params, headers=extra)
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        once = nonce or secrets.token_urlsafe(24)
        request.headers["X-Bekal-Key"] = self.key_id
        request.headers["X-Bekal-Timestamp"] = stamp
        request.headers["X-Bekal-Nonce"] = once
        request.headers["X-Bekal-Signature"] = signature(
            secret=secret or self.secret,
            method=method,
            path_with_query=request.url.raw_path.decode("ascii"),
            timestamp=stamp,
            nonce=once,
            body=body,
        )
        return request

    def request(self, method: str, path: str, **options: Any) -> httpx.Response:
        return self.http.send(self.build(method, path, **options))

    def get(self, path: str, **options: Any) -> httpx.Response:
        return self.request("GET", path, **options)

    def post(self, path: str, json: Any = None, **options: Any) -> httpx.Response:
        return self.request("POST", path, json_body=json, **options)

    def patch(self, path: str, json: Any = None, **options: Any) -> httpx.Response:
        return self.request("PATCH", path, json_body=json, **options)
