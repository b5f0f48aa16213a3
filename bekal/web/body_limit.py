"""Refuse a request body larger than its view accepts, from its Content-Length alone.

Django reads a multipart body whole (the CSRF check reads the form) before a view can
refuse it: a 30 MB photo is uploaded for minutes on 3G, only to be refused. A view that
takes uploads declares its limit with `@body_limit(...)`; `BodyLimitMiddleware`, placed
before the CSRF middleware, compares the declared Content-Length with it and answers
413 with the view's own page before a byte of the body is read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

View = TypeVar("View", bound=Callable[..., HttpResponse])


def body_limit(*, max_bytes: Callable[[], int], template: str) -> Callable[[View], View]:
    """Mark a view: a body over `max_bytes()` is answered with `template` (status 413).

    `max_bytes` is called per request (limits come from settings). The template gets
    `max_mb` and `sent_mb`.
    """

    def mark(view: View) -> View:
        view.max_body_bytes = max_bytes  # type: ignore[attr-defined]
        view.body_too_large_template = template  # type: ignore[attr-defined]
        return view

    return mark


def declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


class BodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        max_bytes = getattr(view_func, "max_body_bytes", None)
        if max_bytes is None:
            return None
        limit = max_bytes()
        length = declared_length(request)
        if length <= limit:
            return None
        mib = 1024 * 1024
        context = {"max_mb": limit // mib, "sent_mb": (length + mib - 1) // mib}
        template = view_func.body_too_large_template  # type: ignore[attr-defined]
        # The body is left unread; the server discards it (or drops the connection).
        return render(request, template, context, status=413)
