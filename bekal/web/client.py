"""What the web layer knows about the caller."""

from __future__ import annotations

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address as the app server saw it.

    Behind a load balancer, the proxy must set REMOTE_ADDR (e.g. gunicorn's
    --forwarded-allow-ips with the proxy's X-Forwarded-For); we never trust a header the
    client could write itself.
    """
    return request.META.get("REMOTE_ADDR") or None
