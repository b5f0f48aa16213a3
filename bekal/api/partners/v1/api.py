"""The partner API object: its endpoints, the mapping of every exception to a JSON
error, and its OpenAPI document (served at /api/partners/v1/openapi.json, committed at
docs/api/partners-v1.openapi.json).

Signing, rate limits and idempotency run around every endpoint in
bekal.api.partners.v1.pipeline, before ninja parses the request.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from bekal.api.partners.v1 import courses, openapi, platform, providers, vouchers
from bekal.api.partners.v1.errors import (
    InvalidJSONError,
    InvalidRequestError,
    RouteNotFoundError,
    ServerError,
    error_response,
)
from bekal.core.errors import DomainError

logger = logging.getLogger(__name__)


class PartnerAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        return str(operation.view_func.__name__)

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return openapi.complete(super().get_openapi_schema(**kwargs))


api = PartnerAPI(
    title="Bekal partner API",
    version="1",
    description=openapi.DESCRIPTION,
    urls_namespace="partners_v1",
)
api.add_router("", platform.router)
api.add_router("", providers.router)
api.add_router("", courses.router)
api.add_router("", vouchers.router)


# --- every exception becomes {"error": {"code", "message", "field"}} ----------------------


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(exc)


#: What a pydantic error type means, for people (the rest: "the value is not valid").
PROBLEMS = {
    "missing": lambda ctx: _("this field is required"),
    "extra_forbidden": lambda ctx: _("this field is not expected"),
    "string_too_short": lambda ctx: _("at least %(n)s characters") % {"n": ctx["min_length"]},
    "string_too_long": lambda ctx: _("at most %(n)s characters") % {"n": ctx["max_length"]},
    "string_pattern_mismatch": lambda ctx: _("the value does not have the expected form"),
    "string_type": lambda ctx: _("a text is expected"),
    "string_unicode": lambda ctx: _("the text is not valid Unicode"),
    "int_type": lambda ctx: _("a whole number is expected"),
    "int_parsing": lambda ctx: _("a whole number is expected"),
    "int_from_float": lambda ctx: _("a whole number is expected"),
    "greater_than_equal": lambda ctx: _("at least %(n)s") % {"n": ctx["ge"]},
    "less_than_equal": lambda ctx: _("at most %(n)s") % {"n": ctx["le"]},
    "too_long": lambda ctx: _("at most %(n)s items") % {"n": ctx["max_length"]},
    "enum": lambda ctx: _("one of: %(values)s") % {"values": ctx["expected"]},
    "literal_error": lambda ctx: _("one of: %(values)s") % {"values": ctx["expected"]},
    "timezone_aware": lambda ctx: _("a date and time with a time-zone offset is expected"),
    "value_error": lambda ctx: str(ctx["error"]),
}
DATETIME_TYPES = ("datetime_type", "datetime_parsing", "datetime_from_date_parsing")


def _problem(error: dict[str, Any]) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind in DATETIME_TYPES:
        return _("a date and time in ISO 8601 is expected, e.g. 2026-03-01T09:00:00+07:00")
    describe = PROBLEMS.get(kind)
    try:
        return describe(ctx) if describe else _("the value is not valid")
    except KeyError:
        return _("the value is not valid")


def _field(location: tuple[Any, ...] | list[Any]) -> str:
    """`sessions.0.starts_at` from ninja's ("body", "payload", "sessions", 0, ...)."""
    parts = list(location)
    if parts and parts[0] == "body":
        parts = parts[2:] or ["body"]
    elif parts:
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or "body"


@api.exception_handler(ValidationError)
def invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    field = _field(first.get("loc", ()))
    return error_response(InvalidRequestError(field=field, where=field, problem=_problem(first)))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja raises it only when the body is not JSON (400).
    if exc.status_code == 400:
        return error_response(InvalidJSONError(field="body"))
    return error_response(DomainError(str(exc.message), code="refused"))


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(RouteNotFoundError())


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("partner API request failed: %s %s", request.method, request.path)
    return error_response(ServerError())
