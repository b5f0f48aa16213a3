"""What runs around every partner API endpoint, in order:

1. the language of messages: Indonesian, or English when Accept-Language prefers it;
2. the signature (bekal.api.partners.v1.security), which names the platform; an address
   whose requests keep failing it waits (429) before it is heard again;
3. the client's request limit (429 rate_limited with Retry-After);
4. for a write, its Idempotency-Key: in one transaction, an advisory lock on the
   (client, key), the stored response replayed if there is one, else the endpoint runs
   and its response is stored (4xx included, 5xx never);
5. the endpoint itself (ninja), whose refusals are JSON errors (bekal.api.partners.v1.api).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

from bekal.accounts.partner_requests import (
    WriteRequest,
    failure_limit,
    lock_idempotency_key,
    request_limit,
    save_idempotency_record,
)
from bekal.accounts.throttling import register_attempt, retry_after
from bekal.api.partners.v1 import security
from bekal.api.partners.v1.errors import (
    IdempotencyKeyRequiredError,
    IdempotencyKeyReusedError,
    MethodNotAllowedError,
    RateLimitedError,
    RequestTooLargeError,
    RouteNotFoundError,
    ServerError,
    error_response,
)
from bekal.core.errors import DomainError

logger = logging.getLogger(__name__)

View = Callable[..., HttpResponse]
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,100}")
IDEMPOTENCY_HEADER = "Idempotency-Key"


def chosen_language(request: HttpRequest) -> str:
    """The supported language the client prefers most (Accept-Language), else Indonesian."""
    supported = {code for code, _name in settings.LANGUAGES}
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(request.headers.get("Accept-Language", "")[:256].split(",")):
        tag, _, parameters = part.strip().partition(";")
        quality = 1.0
        name, _, value = parameters.strip().partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().lower().split("-")[0]))
    for negative_quality, _position, language in sorted(ranked):
        if negative_quality < 0 and language in supported:
            return language
    return settings.LANGUAGE_CODE


def partner_endpoint(view: View) -> View:
    """Wrap a ninja URL view in the partner API's pipeline."""

    @csrf_exempt
    @functools.wraps(view)
    def endpoint(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return _in_language(request, lambda: _handle(view, request, args, kwargs))

    return endpoint


@csrf_exempt
def route_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return _in_language(request, lambda: error_response(RouteNotFoundError()))


def _in_language(request: HttpRequest, respond: Callable[[], HttpResponse]) -> HttpResponse:
    language = chosen_language(request)
    with translation.override(language):
        try:
            response = respond()
        except Exception:
            logger.exception("partner API request failed: %s %s", request.method, request.path)
            response = error_response(ServerError())
    response["Content-Language"] = language
    patch_vary_headers(response, ["Accept-Language"])
    return response


def _handle(view: View, request: HttpRequest, args: Any, kwargs: Any) -> HttpResponse:
    try:
        body = request.body
    except RequestDataTooBig:
        return error_response(RequestTooLargeError())
    address = request.META.get("REMOTE_ADDR") or "unknown"
    try:
        _check_failures(address)
        partner = security.authenticate(request)
        _count_request(partner)
    except RateLimitedError as refusal:
        return error_response(refusal)
    except DomainError as refusal:
        register_attempt(limit=failure_limit(), key=f"address:{address}")
        return error_response(refusal)
    request.partner = partner  # type: ignore[attr-defined]
    if request.method not in WRITE_METHODS:
        return _run(view, request, args, kwargs)

    key = request.headers.get(IDEMPOTENCY_HEADER, "")
    if not IDEMPOTENCY_KEY.fullmatch(key):
        return error_response(IdempotencyKeyRequiredError(field=IDEMPOTENCY_HEADER))
    write = WriteRequest(
        client=partner.client,
        key=key,
        method=request.method,
        path=request.get_full_path(),
        body_sha256=hashlib.sha256(body).hexdigest(),
    )
    with transaction.atomic():
        record = lock_idempotency_key(write=write)
        if record is not None:
            if not write.matches(record):
                return error_response(IdempotencyKeyReusedError(field=IDEMPOTENCY_HEADER))
            replay = HttpResponse(
                record.response_body,
                status=record.status_code,
                content_type="application/json; charset=utf-8",
            )
            replay["Idempotent-Replay"] = "true"
            return replay
        response = _run(view, request, args, kwargs)
        if response.status_code >= 500:
            transaction.set_rollback(True)
            return response
        save_idempotency_record(
            write=write,
            status_code=response.status_code,
            response_body=response.content.decode("utf-8"),
        )
        return response


def _check_failures(address: str) -> None:
    """An address that keeps sending requests that fail authentication (guessing keys,
    replaying) waits, like a client over its limit."""
    wait = retry_after(limit=failure_limit(), key=f"address:{address}")
    if wait:
        raise RateLimitedError(retry_after=wait, seconds=wait)


def _count_request(partner: security.Partner) -> None:
    limit, key = request_limit(), f"client:{partner.client.pk}"
    wait = retry_after(limit=limit, key=key)
    if wait:
        raise RateLimitedError(retry_after=wait, seconds=wait)
    register_attempt(limit=limit, key=key)


def _run(view: View, request: HttpRequest, args: Any, kwargs: Any) -> HttpResponse:
    response = view(request, *args, **kwargs)
    if isinstance(response, HttpResponseNotAllowed):
        refusal = error_response(MethodNotAllowedError())
        refusal["Allow"] = response["Allow"]
        return refusal
    return response
