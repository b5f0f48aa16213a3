"""Refusals on web pages: the one place where a DomainError becomes an HTTP status.

A refused form is shown again with its message, and answers with the status the refusal
carries (`DomainError.http_status`): 400 for bad input, 403, 404, 409 when the state of
things refuses, 422, 429 with Retry-After when throttled. The partner API maps the same
errors in its exception handler (bekal.api.partners.v1.api).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bekal.core.errors import DomainError, ThrottledError


def refusal_status(error: DomainError) -> int:
    """The status of a page that shows `error`."""
    return error.http_status


def refused(response: HttpResponse, error: DomainError) -> HttpResponse:
    """`response`, the page showing `error`, with the refusal's status and headers."""
    response.status_code = refusal_status(error)
    if isinstance(error, ThrottledError):
        response["Retry-After"] = str(error.retry_after)
    return response


def render_refusal(
    request: HttpRequest, template: str, context: dict[str, Any], error: DomainError
) -> HttpResponse:
    """Render `template` (which shows `error`) with the refusal's status."""
    return refused(render(request, template, context), error)
