"""Staff sessions: short, ended when idle, and behind the second factor.

For an account that can see other people's data (bekal.accounts.second_factor.
is_staff_account), on every request:
- the session ends `BEKAL_STAFF_SESSION_HOURS` after it began, and after
  `BEKAL_STAFF_IDLE_MINUTES` without a request (the cookie and the stored session expire
  then too);
- until the second factor is checked in this session (when one is needed), every page but
  the second-factor pages and logging out leads to them, the admin's included.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from bekal.accounts import second_factor
from bekal.core.audit import record_event
from bekal.desks import selectors as desk_selectors
from bekal.web.client import client_ip

#: Session keys: when the staff session began, its last request, and whether the second
#: factor was checked in it (all three vanish with the session at login and logout).
SINCE = "staff_since"
SEEN = "staff_seen"
VERIFIED = "second_factor_ok"


def mark_verified(request: HttpRequest) -> None:
    request.session.cycle_key()
    request.session[VERIFIED] = True


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and second_factor.is_staff_account(user):
            ended = self._end_if_expired(request)
            if ended is not None:
                return ended
            pending = self._second_factor_pending(request)
            if pending is not None:
                return pending
        return self.get_response(request)

    def _end_if_expired(self, request: HttpRequest) -> HttpResponse | None:
        now = time.time()
        session = request.session
        since: float | None = session.get(SINCE)
        seen: float | None = session.get(SEEN, since)
        idle = settings.BEKAL_STAFF_IDLE_MINUTES * 60
        if (
            since is not None
            and seen is not None
            and (now - since > settings.BEKAL_STAFF_SESSION_HOURS * 3600 or now - seen > idle)
        ):
            record_event(
                action="account.staff_session_ended",
                actor=request.user,
                target=request.user,  # type: ignore[arg-type]
                ip_address=client_ip(request),
                reason="idle" if now - seen > idle else "length",
            )
            auth.logout(request)
            messages.info(request, _("Your session has ended. Please log in again."))
            return redirect(reverse("portal:login") + "?" + urlencode({"next": request.path}))
        if since is None:
            session[SINCE] = now
        session[SEEN] = now
        session.set_expiry(idle)
        return None

    def _second_factor_pending(self, request: HttpRequest) -> HttpResponse | None:
        if request.session.get(VERIFIED):
            return None
        user = request.user
        if not (
            second_factor.needs_second_factor(user)  # type: ignore[arg-type]
            # Desk officers register people face to face: always behind the second factor.
            or desk_selectors.is_desk_officer(user=user)  # type: ignore[arg-type]
        ):
            return None
        open_paths = {
            reverse("portal:second_factor"),
            reverse("portal:second_factor_enrol"),
            reverse("portal:logout"),
            reverse("admin:logout"),
        }
        if request.path in open_paths or request.path.startswith(
            ("/" + settings.STATIC_URL.lstrip("/"), "/i18n/")
        ):
            return None
        target = (
            "portal:second_factor"
            if second_factor.confirmed_device(request.user)  # type: ignore[arg-type]
            else "portal:second_factor_enrol"
        )
        return redirect(reverse(target) + "?" + urlencode({"next": request.get_full_path()}))
