"""The back office: registrants for the programme office and regional officers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters

from bekal.core.errors import DomainError
from bekal.identity.selectors import is_document_staff
from bekal.participants import staff
from bekal.web.client import client_ip
from bekal.web.refusals import render_refusal


def staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not staff.is_staff_viewer(request.user):
            return render(
                request,
                "backoffice/refused.html",
                {"error": str(staff.NotStaffError())},
                status=403,
            )
        return view(request, *args, **kwargs)

    return wrapper


@sensitive_post_parameters("q")
@staff_only
def registrants(request: HttpRequest) -> HttpResponse:
    # A search is POSTed and held server-side, encrypted, under an opaque id: a NIK never
    # travels in a URL (access logs, history, Referer) nor sits in the session.
    if request.method == "POST":
        query = request.POST.get("q", "").strip()
        if not query:
            return redirect("backoffice:registrants")
        token = staff.hold_search(viewer=request.user, text=query)  # type: ignore[arg-type]
        return redirect(reverse("backoffice:registrants") + "?" + urlencode({"cari": token}))
    search_id = request.GET.get("cari", "")
    text = staff.get_held_search(viewer=request.user, token=search_id) if search_id else ""  # type: ignore[arg-type]
    page = staff.list_registrants(
        viewer=request.user,  # type: ignore[arg-type]
        text=text,
        page=request.GET.get("page"),
        ip=client_ip(request),
    )
    return render(
        request,
        "backoffice/registrants.html",
        {
            "page": page,
            "searched": staff.masked_query(text),
            "search_id": search_id if text else "",
            "recent_alerts": staff.count_recent_staff_alerts(viewer=request.user),  # type: ignore[arg-type]
        },
    )


@staff_only
def alerts(request: HttpRequest) -> HttpResponse:
    """Alerts about staff behaviour (bursts of refused reads), for the programme office."""
    try:
        found = staff.list_staff_alerts(viewer=request.user)  # type: ignore[arg-type]
    except DomainError as error:
        return render_refusal(request, "backoffice/refused.html", {"error": str(error)}, error)
    return render(request, "backoffice/alerts.html", {"alerts": found})


@staff_only
def registrant(request: HttpRequest, profile_id: int) -> HttpResponse:
    try:
        profile = staff.open_registrant(
            viewer=request.user,  # type: ignore[arg-type]
            profile_id=profile_id,
            ip=client_ip(request),
        )
    except DomainError as error:
        return render_refusal(request, "backoffice/refused.html", {"error": str(error)}, error)
    record = staff.get_registrant_record(profile=profile)
    return render(
        request,
        "backoffice/registrant.html",
        {
            "record": record,
            "perms_documents": is_document_staff(request.user),
            # The programme office follows a matching photo to the other accounts; an
            # officer sees their region only, so gets the count.
            "can_follow_matches": staff.is_programme_office(request.user),  # type: ignore[arg-type]
        },
    )
