"""Refusals of the partner API itself (signing, idempotency, limits, malformed requests),
and the one place where any refusal becomes an HTTP response.

Every error a partner receives is JSON of one shape, with a stable code:

    {"error": {"code": "voucher_not_found", "message": "...", "field": null}}
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from bekal.core.errors import DomainError, NotFoundError, ThrottledError


class SignatureRequiredError(DomainError):
    code = "signature_required"
    http_status = 401
    message = _("Sign every request: the %(header)s header is missing or not valid.")


class InvalidCredentialsError(DomainError):
    code = "invalid_credentials"
    http_status = 401
    message = _("This key is unknown, revoked, or belongs to a client that is not active.")


class InvalidSignatureError(DomainError):
    code = "invalid_signature"
    http_status = 401
    message = _("The signature does not match this request.")


class TimestampOutOfRangeError(DomainError):
    code = "timestamp_out_of_range"
    http_status = 401
    message = _("The request's timestamp is more than %(seconds)s seconds away from Bekal's clock.")


class NonceReusedError(DomainError):
    code = "nonce_reused"
    http_status = 401
    message = _("This nonce was already used. Sign every request with a new nonce.")


class NotAPlatformError(DomainError):
    code = "not_a_platform"
    http_status = 403
    message = _("This client is not a training platform.")


class RateLimitedError(ThrottledError):
    code = "rate_limited"
    message = _("Too many requests. Try again in %(seconds)s seconds.")


class IdempotencyKeyRequiredError(DomainError):
    code = "idempotency_key_required"
    http_status = 400
    message = _("Every write needs an Idempotency-Key header of 1 to 100 visible ASCII characters.")


class IdempotencyKeyReusedError(DomainError):
    code = "idempotency_key_reused"
    http_status = 409
    message = _("This Idempotency-Key was already used for another request.")


class InvalidRequestError(DomainError):
    code = "invalid_request"
    http_status = 422
    message = _("%(where)s: %(problem)s")


class InvalidJSONError(DomainError):
    code = "invalid_json"
    http_status = 400
    message = _("The request body is not valid JSON.")


class DateOutOfRangeError(DomainError):
    code = "date_out_of_range"
    http_status = 409
    message = _("Dates and times lie between the years 2000 and 2100.")


class RequestTooLargeError(DomainError):
    code = "request_too_large"
    http_status = 413
    message = _("The request body is too large.")


class RouteNotFoundError(NotFoundError):
    code = "not_found"
    message = _("There is nothing at this address.")


class MethodNotAllowedError(DomainError):
    code = "method_not_allowed"
    http_status = 405
    message = _("This method is not allowed at this address.")


class ServerError(DomainError):
    code = "server_error"
    http_status = 500
    message = _("Something went wrong on our side. Try again later.")


def status_of(error: DomainError) -> int:
    """The HTTP status of a refusal in this API. 422 means one thing here: the request
    does not follow the OpenAPI document (invalid_request). A request the document
    allows that a rule of the programme refuses, a rule the document cannot state (the
    scheme's price cap, a session's times, the evidence a session needs), is 409, as
    refusals in a record's state are."""
    if error.http_status == 422 and not isinstance(error, InvalidRequestError):
        return 409
    return error.http_status


def error_body(error: DomainError) -> dict[str, Any]:
    return {"error": {"code": error.code, "message": str(error), "field": error.field}}


def error_response(error: DomainError) -> HttpResponse:
    """The HTTP response of a refusal, in the active language."""
    response = HttpResponse(
        json.dumps(error_body(error), ensure_ascii=False),
        status=status_of(error),
        content_type="application/json; charset=utf-8",
    )
    if isinstance(error, ThrottledError):
        response["Retry-After"] = str(error.retry_after)
    return response
