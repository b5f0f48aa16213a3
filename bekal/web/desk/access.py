"""Who may use the desk's pages: an officer of an open desk, signed in with a second factor."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from bekal.accounts.models import User
from bekal.core.errors import NotFoundError, PermissionDeniedError
from bekal.desks import selectors
from bekal.web.refusals import render_refusal
from bekal.web.staff_sessions import VERIFIED


def desk_officer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A desk officer whose second factor was checked in this session (always asked of
    desk officers, whatever STAFF_SECOND_FACTOR_REQUIRED says). `request.desk` is set."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect(reverse("desk:login") + "?" + urlencode({"next": request.path}))
        assert isinstance(user, User)
        desk = selectors.get_officer_desk(officer=user)
        if desk is None or user.role != User.Role.REGIONAL_OFFICER:
            raise PermissionDenied
        if not request.session.get(VERIFIED):
            return redirect(
                reverse("portal:second_factor") + "?" + urlencode({"next": request.path})
            )
        request.desk = desk  # type: ignore[attr-defined]
        try:
            return view(request, *args, **kwargs)
        except (NotFoundError, PermissionDeniedError) as error:
            # A registration of another desk answers as one that does not exist.
            return render_refusal(request, "desk/refused.html", {"error": str(error)}, error)

    return wrapper
