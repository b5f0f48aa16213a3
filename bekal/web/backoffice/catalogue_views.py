"""The programme office curates the catalogue: the approval queue (oldest submission
first), the published, rejected and withdrawn courses; and the digital platforms with
their partner API credentials. Every change is a POST that calls a marketplace or
accounts service, which writes the audit row."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bekal.accounts.models import PartnerCredential, User
from bekal.accounts.partner_clients import issue_credential, revoke_credential
from bekal.core.errors import DomainError
from bekal.core.money import format_rupiah
from bekal.marketplace.models import Course, CourseSession, Platform
from bekal.marketplace.selectors import list_courses_for_review
from bekal.marketplace.services.catalogue import (
    approve_course,
    create_platform,
    price_cap,
    reject_course,
    withdraw_course,
)
from bekal.programmes.selectors import get_scheme_in_force
from bekal.web.backoffice.wave_views import programme_office
from bekal.web.refusals import refusal_status

PAGE_SIZE = 25
#: Sessions listed under a course; the rest are counted.
SESSIONS_SHOWN = 5
TABS = (
    (Course.Status.SUBMITTED, gettext_lazy("Waiting for approval")),
    (Course.Status.APPROVED, gettext_lazy("On sale")),
    (Course.Status.REJECTED, gettext_lazy("Rejected")),
    (Course.Status.WITHDRAWN, gettext_lazy("Withdrawn")),
)


class DecisionForm(forms.Form):
    ACTIONS = ("approve", "reject", "withdraw")

    course = forms.IntegerField(min_value=1)
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    note = forms.CharField(max_length=500, required=False)


@dataclass(frozen=True)
class CourseRow:
    """A course as the office reviews it, its price set against the cap in force."""

    course: Course
    price: str
    over_cap: bool
    duration: str
    sessions: list[CourseSession]
    more_sessions: int


@dataclass(frozen=True)
class Refusal:
    course: Course
    message: str
    note: str


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _duration(minutes: int) -> str:
    """2 jam 30 menit."""
    hours, minutes = divmod(minutes, 60)
    parts = [ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}] if hours else []
    if minutes:
        parts.append(ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes})
    return " ".join(parts)


def _rows(courses: list[Course], cap: int) -> list[CourseRow]:
    rows = []
    for course in courses:
        sessions = list(course.sessions.all())
        rows.append(
            CourseRow(
                course=course,
                price=format_rupiah(int(course.price)),
                over_cap=course.price > cap,
                duration=_duration(int(course.duration_minutes)),
                sessions=sessions[:SESSIONS_SHOWN],
                more_sessions=max(len(sessions) - SESSIONS_SHOWN, 0),
            )
        )
    return rows


def _tab(request: HttpRequest) -> str:
    status = request.GET.get("status", "")
    return status if status in Course.Status.values else Course.Status.SUBMITTED


def _decide(request: HttpRequest, form: DecisionForm, course: Course) -> str:
    """Call the service the action names; the message that says it is done."""
    action, note, actor = form.cleaned_data["action"], form.cleaned_data["note"], _actor(request)
    if action == "approve":
        approve_course(course=course, actor=actor, note=note)
        return _("“%(title)s” is published in the catalogue.") % {"title": course.title}
    if action == "reject":
        reject_course(course=course, actor=actor, note=note)
        return _("“%(title)s” was sent back to its platform.") % {"title": course.title}
    withdraw_course(course=course, actor=actor, note=note)
    return _("“%(title)s” is no longer sold.") % {"title": course.title}


@programme_office
def catalogue(request: HttpRequest) -> HttpResponse:
    tab = _tab(request)
    refusal: Refusal | None = None
    status = 200
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("The decision could not be read; try again."))
            return redirect(request.get_full_path())
        course = get_object_or_404(Course, pk=form.cleaned_data["course"])
        try:
            done = _decide(request, form, course)
        except DomainError as error:
            refusal = Refusal(course=course, message=str(error), note=form.cleaned_data["note"])
            status = refusal_status(error)
        else:
            messages.success(request, done)
            return redirect(request.get_full_path())
    cap = price_cap(get_scheme_in_force())
    courses = list_courses_for_review(status=tab).select_related("decided_by")
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    tabs = [(value, label, list_courses_for_review(status=value).count()) for value, label in TABS]
    return render(
        request,
        "backoffice/catalogue.html",
        {
            "tab": tab,
            "tabs": tabs,
            "page": page,
            "rows": _rows(list(page.object_list), cap),
            "cap": format_rupiah(cap),
            "refusal": refusal,
        },
        status=status,
    )


# --- platforms and their credentials -----------------------------------------------------


class PlatformForm(forms.Form):
    code = forms.SlugField(
        label=gettext_lazy("Code"),
        max_length=40,
        help_text=gettext_lazy("Lower-case letters, digits and dashes, e.g. kelas-terampil."),
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    website = forms.URLField(
        label=gettext_lazy("Website"),
        required=False,
        assume_scheme="https",
        widget=forms.TextInput(attrs={"inputmode": "url"}),
    )


def _platforms() -> list[Platform]:
    approved = Q(courses__status=Course.Status.APPROVED)
    waiting = Q(courses__status=Course.Status.SUBMITTED)
    return list(
        Platform.objects.select_related("client")
        .annotate(
            course_count=Count("courses"),
            published_count=Count("courses", filter=approved),
            waiting_count=Count("courses", filter=waiting),
        )
        .prefetch_related(
            Prefetch(
                "client__credentials",
                queryset=PartnerCredential.objects.order_by("-created_at", "-pk"),
            )
        )
        .order_by("name")
    )


@programme_office
def platforms(request: HttpRequest) -> HttpResponse:
    form = PlatformForm(request.POST or None)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = create_platform(
                code=data["code"],
                name=data["name"],
                website=data["website"],
                actor=_actor(request),
            )
        except DomainError as error:
            form.add_error("code" if error.field == "code" else None, str(error))
            status = refusal_status(error)
        else:
            messages.success(
                request,
                _("%(name)s is registered. Issue it a credential to call the partner API.")
                % {"name": created.name},
            )
            return redirect("backoffice:platforms")
    return render(
        request,
        "backoffice/platforms.html",
        {"platforms": _platforms(), "form": form},
        status=status,
    )


@never_cache
@programme_office
@require_POST
def issue_platform_credential(request: HttpRequest, platform_id: int) -> HttpResponse:
    """The new secret is in this response and nowhere else: it is stored encrypted and
    never shown again."""
    platform = get_object_or_404(Platform.objects.select_related("client"), pk=platform_id)
    issued = issue_credential(client=platform.client, actor=_actor(request))
    return render(
        request,
        "backoffice/platform_credential.html",
        {"platform": platform, "key_id": issued.key_id, "secret": issued.secret},
    )


@programme_office
@require_POST
def revoke_platform_credential(request: HttpRequest, credential_id: int) -> HttpResponse:
    credential = get_object_or_404(
        PartnerCredential.objects.filter(client__platform__isnull=False), pk=credential_id
    )
    revoke_credential(credential=credential, actor=_actor(request))
    messages.success(
        request,
        _("The credential %(key_id)s is revoked: requests signed with it are refused.")
        % {"key_id": credential.key_id},
    )
    return redirect(reverse("backoffice:platforms") + f"#client-{credential.client_id}")
