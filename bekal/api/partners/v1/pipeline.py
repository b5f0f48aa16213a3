"""What runs around every partner API endpoint, in order:

1. the language of messages: Indonesian, or English when Accept-Language prefers it;
2. the method: one the address does not take is 405 method_not_allowed, before anything
   else is looked at (a write to a read-only address is not asked for its key);
3. the signature (bekal.api.partners.v1.security), which names the platform. Failures
   are counted against what the request names: a key id that names a live credential
   (its failing requests then wait, 429, while its well-signed ones are still served, so
   nobody can lock a platform out with its public key id); a request with no usable key
   against its address, with a much higher limit (a coarse backstop that never stops a
   request with a live key id, so one platform's mistakes behind a shared load balancer
   stop no other platform);
4. the client's request limit (429 rate_limited with Retry-After);
5. for a write, its Idempotency-Key: in one transaction, an advisory lock on the
   (client, key), the stored response replayed if there is one, else the endpoint runs
   and its response is stored (4xx included, 5xx never);
6. the endpoint itself (ninja), whose refusals are JSON errors (bekal.api.partners.v1.api).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Callable
from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

from bekal.accounts.partner_requests import (
    WriteRequest,
    address_failure_limit,
    failure_limit,
    lock_idempotency_key,
    request_limit,
    save_idempotency_record,
)
from bekal.accounts.throttling import Limit, register_attempt, retry_after
from bekal.api.partners.v1 import security
from bekal.api.partners.v1.errors import (
    IdempotencyKeyRequiredError,
    IdempotencyKeyReusedError,
    MethodNotAllowedError,
    NotAPlatformError,
    RateLimitedError,
    RequestTooLargeError,
    RouteNotFoundError,
    ServerError,
    error_response,
)
from bekal.core.client_address import client_ip
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


def partner_endpoint(view: View, *, methods: frozenset[str]) -> View:
    """Wrap a ninja URL view, which takes `methods`, in the partner API's pipeline."""

    @csrf_exempt
    @functools.wraps(view)
    def endpoint(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in methods:
            return _in_language(request, lambda: _not_allowed(methods))
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


def _not_allowed(methods: frozenset[str]) -> HttpResponse:
    refusal = error_response(MethodNotAllowedError())
    refusal["Allow"] = ", ".join(sorted(methods))
    return refusal


def _handle(view: View, request: HttpRequest, args: Any, kwargs: Any) -> HttpResponse:
    try:
        body = request.body
    except RequestDataTooBig:
        return error_response(RequestTooLargeError())
    try:
        partner = _authenticate(request)
        _count_request(partner)
    except DomainError as refusal:
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
        path=security.path_as_sent(request),
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


def _authenticate(request: HttpRequest) -> security.Partner:
    """The partner that signed the request; a refusal counted against what it names."""
    try:
        presented = security.identify(request)
    except DomainError as refusal:
        # No usable key: the address is all there is to count against (coarsely),
        # as forwarded by a trusted proxy (bekal.core.client_address).
        address = client_ip(request) or "unknown"
        _fail(limit=address_failure_limit(), key=f"address:{address}", refusal=refusal)
    try:
        return security.verify(request, presented)
    except NotAPlatformError:
        raise
    except DomainError as refusal:
        key = f"key:{presented.credential.key_id}"
        _fail(limit=failure_limit(), key=key, refusal=refusal)


def _fail(*, limit: Limit, key: str, refusal: DomainError) -> NoReturn:
    """Refuse a request that failed authentication: when `key` failed too often of late,
    with 429 (not counted again), else with its own refusal, counted."""
    wait = retry_after(limit=limit, key=key)
    if wait:
        raise RateLimitedError(retry_after=wait, seconds=wait)
    register_attempt(limit=limit, key=key)
    raise refusal


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
