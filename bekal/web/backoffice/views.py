"""The back office: registrants for the programme office and regional officers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bekal.core.errors import DomainError
from bekal.identity.selectors import is_document_staff
from bekal.participants import staff
from bekal.web.client import client_ip


def staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not staff.is_staff_viewer(request.user):  # type: ignore[arg-type]
            return render(
                request,
                "backoffice/refused.html",
                {"error": str(staff.NotStaffError())},
                status=403,
            )
        return view(request, *args, **kwargs)

    return wrapper


_SEARCH_KEY = "backoffice_search"


@staff_only
def registrants(request: HttpRequest) -> HttpResponse:
    # A search is POSTed and kept in the session: a NIK never travels in a URL, so it
    # never lands in access logs, browser history or a Referer header.
    if request.method == "POST":
        request.session[_SEARCH_KEY] = request.POST.get("q", "")[:100]
        return redirect(reverse("backoffice:registrants") + "?cari=1")
    if "cari" not in request.GET:
        request.session.pop(_SEARCH_KEY, None)
    text = request.session.get(_SEARCH_KEY, "")
    found = staff.search_registrants(
        viewer=request.user,  # type: ignore[arg-type]
        text=text,
        ip=client_ip(request),
    )
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/registrants.html",
        {"page": page, "searched": staff.masked_query(text)},
    )


@staff_only
def registrant(request: HttpRequest, profile_id: int) -> HttpResponse:
    try:
        profile = staff.open_registrant(
            viewer=request.user,  # type: ignore[arg-type]
            profile_id=profile_id,
            ip=client_ip(request),
        )
    except DomainError as error:
        return render(request, "backoffice/refused.html", {"error": str(error)}, status=404)
    record = staff.get_registrant_record(profile=profile)
    return render(
        request,
        "backoffice/registrant.html",
        {
            "record": record,
            "perms_documents": is_document_staff(request.user),
            # The programme office follows a matching photo to the other accounts; an
            # officer sees their region only, so gets the count.
            "can_follow_matches": staff.sees_every_region(request.user),  # type: ignore[arg-type]
        },
    )
