"""The Content-Security-Policy header, on every response of every settings (dev and test
too, so the browser tests catch a violation before production does).

Pages load only Bekal's own files: no inline script or style, no other origin, no
framing, forms post only to Bekal. A response that sets its own policy (the identity
photos: `default-src 'none'; sandbox`) keeps it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = "; ".join(
            f"{directive} {' '.join(sources)}".strip()
            for directive, sources in settings.BEKAL_CONTENT_SECURITY_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
