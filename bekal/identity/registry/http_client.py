"""The population registry over HTTP: the client production uses (docs/registry.md).

    POST {BEKAL_REGISTRY_URL}/v1/verify      X-API-Key: {BEKAL_REGISTRY_API_KEY}
    {"nik": "1771015508950001", "full_name": "SITI AMINAH", "birth_date": "1995-08-15"}
    200 {"result": "match", "citizenship": "WNI"} | {"result": "mismatch", "fields":
        ["full_name"]} | {"result": "not_found"}

A match names the holder's citizenship: "WNI", or "WNA" for a foreign permanent
resident (a NIK is issued to them too); a match without it is outside the protocol.

Anything else is UNAVAILABLE, and the caller asks again later:
- connection errors and 5xx answers are retried here a few times with exponential
  back-off (`max_attempts` calls in all, waiting `backoff`, 2 x `backoff`, ...);
- a read timeout is not retried here: the registry is slow, and asking again at once
  would only add to its load. The background job retries later;
- 429 and other 4xx answers, and bodies that are not the protocol, are not retried here
  (a 401 or a 400 will not change in a second) and are logged as errors;
- a circuit breaker (bekal.identity.registry.breaker) answers UNAVAILABLE at once, without
  a call, after `failure_threshold` verifications in a row found the registry
  unavailable, until a cool-down has passed.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx

from bekal.identity.nik import mask_nik
from bekal.identity.registry.answers import (
    BIRTH_DATE,
    FULL_NAME,
    Citizenship,
    Outcome,
    RegistryAnswer,
)
from bekal.identity.registry.breaker import CircuitBreaker

logger = logging.getLogger(__name__)

VERIFY_PATH = "v1/verify"
KNOWN_FIELDS = frozenset({FULL_NAME, BIRTH_DATE})


class _Retryable(Exception):
    """A failure worth another call after a short wait (connection error, 5xx)."""


class HttpRegistry:
    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        timeout: float,
        max_attempts: int = 3,
        backoff: float = 0.25,
        breaker: CircuitBreaker | None = None,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.breaker = breaker or CircuitBreaker()
        self._sleep = sleep
        self._client = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            timeout=httpx.Timeout(timeout),
            headers={"X-API-Key": api_key, "Accept": "application/json"},
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def verify(self, *, nik: str, full_name: str, birth_date: dt.date) -> RegistryAnswer:
        if not self.breaker.allow():
            return RegistryAnswer.unavailable("circuit open: the registry failed repeatedly")
        payload = {"nik": nik, "full_name": full_name, "birth_date": birth_date.isoformat()}
        answer = self._call(payload)
        if answer.outcome is Outcome.UNAVAILABLE:
            self.breaker.record_failure()
            logger.warning("registry unavailable for %s: %s", mask_nik(nik), answer.detail)
        else:
            self.breaker.record_success()
        return answer

    def _call(self, payload: dict[str, str]) -> RegistryAnswer:
        # One id for every try of this verification, so the registry can deduplicate.
        headers = {"X-Request-ID": uuid.uuid4().hex}
        detail = ""
        for attempt in range(1, self.max_attempts + 1):
            if attempt > 1:
                self._sleep(self.backoff * 2 ** (attempt - 2))
            try:
                return self._call_once(payload, headers)
            except _Retryable as failure:
                detail = f"{failure} (after {attempt} attempt{'s' if attempt > 1 else ''})"
        return RegistryAnswer.unavailable(detail)

    def _call_once(self, payload: dict[str, str], headers: dict[str, str]) -> RegistryAnswer:
        try:
            response = self._client.post(VERIFY_PATH, json=payload, headers=headers)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError) as exc:
            raise _Retryable(f"connection failed: {type(exc).__name__}") from exc
        except httpx.TimeoutException as exc:
            return RegistryAnswer.unavailable(f"timed out: {type(exc).__name__}")
        except httpx.TransportError as exc:
            raise _Retryable(f"transport error: {type(exc).__name__}") from exc
        if response.status_code >= 500:
            raise _Retryable(f"HTTP {response.status_code}")
        if response.status_code == 429:
            return RegistryAnswer.unavailable("HTTP 429: rate limited")
        if response.status_code != 200:
            logger.error("registry refused the request: HTTP %s", response.status_code)
            return RegistryAnswer.unavailable(f"HTTP {response.status_code}")
        return _answer_from(response)


def _answer_from(response: httpx.Response) -> RegistryAnswer:
    try:
        body: Any = response.json()
    except ValueError:
        logger.error("registry answered a body that is not JSON")
        return RegistryAnswer.unavailable("body is not JSON")
    result = body.get("result") if isinstance(body, dict) else None
    if result == Outcome.MATCH:
        citizenship = body.get("citizenship")
        if citizenship in tuple(Citizenship):
            return RegistryAnswer.match(Citizenship(citizenship))
    if result == Outcome.NOT_FOUND:
        return RegistryAnswer.not_found()
    if result == Outcome.MISMATCH:
        fields = body.get("fields")
        if isinstance(fields, list) and fields and all(f in KNOWN_FIELDS for f in fields):
            return RegistryAnswer.mismatch(*fields)
    logger.error("registry answered outside the protocol (result %.40r)", result)
    return RegistryAnswer.unavailable("answer outside the protocol")
