"""A fair waiting room in front of the sign-up path (and, by a setting, every citizen page).

Capacity is measured: each app-server process counts its guarded requests in flight in
a shared row (PostgreSQL, UNLOGGED; see the portal's first migration), and the sum over
live processes is compared with `BEKAL_WAITING_ROOM_CAPACITY`. Under it, a request goes
in. Over it, a newcomer is given the next number in line, signed into a short-lived
cookie, and a light page (no session, no other query) with their place, Retry-After and
a refresh. The line moves by the free places, in number order (places just let in are
held a few seconds for their holders to come back); a number let in becomes an
admission ticket (a signed cookie) that lets its holder through for the rest of the
form, POST included, whatever the load.

One round trip to enter, one to leave. Staff pages, the partner API and static files
are never guarded.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

TICKET_COOKIE = "bekal_antrean"
SALT = "bekal.web.waiting_room"
ADMITTED = 0
# A pool may hold several connections the database dropped; one new one is enough.
RECONNECT_ATTEMPTS = 4


@dataclass(frozen=True)
class Entry:
    admitted: bool
    number: int
    ahead: int


def process_name() -> str:
    """This app-server process, as its row in the shared in-flight counts."""
    return f"{socket.gethostname()}:{os.getpid()}"


def enter(*, number: int | None) -> Entry:
    """Ask to go in: `None` for a newcomer, `ADMITTED` for a ticket holder, n for place n.

    The first query of a request: a pooled connection that the database dropped while it
    sat idle (a restart, a failover) fails here, before anything was done, and is
    replaced instead of ending the request on an error page.
    """
    for attempt in range(RECONNECT_ATTEMPTS):
        try:
            return _enter(number=number)
        except (OperationalError, InterfaceError):
            if attempt == RECONNECT_ATTEMPTS - 1 or connection.in_atomic_block:
                raise
            connection.close()
    raise AssertionError("unreachable")


def _enter(*, number: int | None) -> Entry:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT admitted, number, ahead FROM portal_waiting_room_enter(%s, %s, %s, %s, %s)",
            [
                process_name(),
                number,
                settings.BEKAL_WAITING_ROOM_CAPACITY,
                settings.BEKAL_WAITING_ROOM_STALE_SECONDS,
                settings.BEKAL_WAITING_ROOM_HOLD_SECONDS,
            ],
        )
        admitted, issued, ahead = cursor.fetchone()
    return Entry(admitted=admitted, number=issued, ahead=ahead)


def leave() -> None:
    """Count this request out. The response is already made: a database gone at this
    moment must not turn it into an error page (it may hold a sign-up just committed)."""
    for attempt in range(2):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT portal_waiting_room_leave(%s)", [process_name()])
            return
        except (OperationalError, InterfaceError):
            if connection.in_atomic_block:
                break
            connection.close()
            if attempt == 1:
                # This process counts one request too many until it restarts (its row
                # then goes stale); the capacity is a little lower meanwhile.
                logger.warning("waiting room: could not count a request out", exc_info=True)


def guarded(path: str) -> bool:
    if settings.BEKAL_WAITING_ROOM_CAPACITY <= 0:
        return False
    if any(path.startswith(prefix) for prefix in settings.BEKAL_WAITING_ROOM_EXEMPT):
        return False
    return any(path.startswith(prefix) for prefix in settings.BEKAL_WAITING_ROOM_PATHS)


def read_ticket(request: HttpRequest) -> int | None:
    """The holder's admission (`ADMITTED`) or place in line; None if absent or lapsed."""
    raw = request.COOKIES.get(TICKET_COOKIE)
    if not raw:
        return None
    try:
        kind, number = signing.loads(
            raw, salt=SALT, max_age=settings.BEKAL_WAITING_ROOM_TICKET_SECONDS
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if kind == "in":
        return ADMITTED
    try:
        signing.loads(raw, salt=SALT, max_age=settings.BEKAL_WAITING_ROOM_PLACE_SECONDS)
    except signing.BadSignature:
        return None
    return int(number) if kind == "line" and int(number) > 0 else None


def set_ticket(response: HttpResponse, *, number: int) -> None:
    admitted = number == ADMITTED
    value = signing.dumps(["in" if admitted else "line", number], salt=SALT)
    response.set_cookie(
        TICKET_COOKIE,
        value,
        max_age=(
            settings.BEKAL_WAITING_ROOM_TICKET_SECONDS
            if admitted
            else settings.BEKAL_WAITING_ROOM_PLACE_SECONDS
        ),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def waiting_page(request: HttpRequest, entry: Entry) -> HttpResponse:
    retry = settings.BEKAL_WAITING_ROOM_RETRY_SECONDS
    html = render_to_string(
        "waiting_room.html",
        {
            "place": entry.ahead + 1,
            "ahead": entry.ahead,
            "retry": retry,
            "url": request.get_full_path() if request.method == "GET" else request.path,
            "title": _("You are in line"),
        },
    )
    # A GET is shown its place (200: a page, not an error); a POST from someone never
    # admitted is refused (429), its form was not served by us under this ticket.
    response = HttpResponse(html, status=200 if request.method in ("GET", "HEAD") else 429)
    response["Retry-After"] = str(retry)
    response["Cache-Control"] = "no-store"
    set_ticket(response, number=entry.number)
    return response


class WaitingRoomMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not guarded(request.path):
            return self.get_response(request)
        held = read_ticket(request)
        entry = enter(number=held)
        if not entry.admitted:
            return waiting_page(request, entry)
        try:
            response = self.get_response(request)
        finally:
            leave()
        if held != ADMITTED:
            set_ticket(response, number=ADMITTED)
        return response
