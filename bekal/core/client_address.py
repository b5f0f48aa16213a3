"""The address of the client of a request, for rate limits and the audit log.

In core so that every interface (portal, back office, admin, partner API) reads it the
same way: interfaces import it, the domain receives the resulting string."""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address, for rate limits and the audit log.

    The connection's address (REMOTE_ADDR), unless it is one of `BEKAL_TRUSTED_PROXIES`
    (the load balancers in front of the app servers, config/env.py): then the client is
    the right-most address of X-Forwarded-For that is not itself a trusted proxy. Nobody
    else's X-Forwarded-For is believed, since a client can write any header it likes;
    the addresses left of the first untrusted one were written by the client too.
    """
    remote: str | None = request.META.get("REMOTE_ADDR") or None
    networks = _networks(tuple(settings.BEKAL_TRUSTED_PROXIES))
    if remote is None or not networks or not _trusted(remote, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a garbled header: the proxy's address is all we know
    return remote
