"""The citizen's help pages: open a ticket, see my tickets and their state, reply."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bekal.accounts.models import User
from bekal.care import attachments as care_attachments
from bekal.care import selectors, services
from bekal.care.errors import TicketNotFoundError
from bekal.care.models import Channel
from bekal.core.errors import DomainError
from bekal.registration.selectors import get_profile
from bekal.web.body_limit import body_limit
from bekal.web.client import client_ip
from bekal.web.portal.registration_views import participant_required
from bekal.web.refusals import refused
from bekal.web.ticket_display import clock_label

_TOKEN = re.compile(r"[0-9a-f]{32}")


class NewTicketForm(forms.Form):
    category = forms.ChoiceField(
        label=gettext_lazy("What is it about?"),
        choices=[("", gettext_lazy("Choose…"))]
        + [(c.value, c.label) for c in services.CITIZEN_CATEGORIES],
        error_messages={"required": gettext_lazy("Choose what your question is about.")},
    )
    body = forms.CharField(
        label=gettext_lazy("Your message"),
        max_length=services.MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Tell us what happened and when. Never write your password or an OTP code."
        ),
        error_messages={"required": gettext_lazy("Write your message (at least 10 characters).")},
    )
    attachment = forms.FileField(
        label=gettext_lazy("Attachment (optional)"),
        required=False,
        help_text=gettext_lazy("A photo (JPEG or PNG) or a PDF, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
    submission = forms.CharField(widget=forms.HiddenInput)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your reply"),
        max_length=services.MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Write your message (at least 10 characters).")},
    )
    attachment = forms.FileField(
        label=gettext_lazy("Attachment (optional)"),
        required=False,
        help_text=gettext_lazy("A photo (JPEG or PNG) or a PDF, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )


def _max_body_bytes() -> int:
    return int(settings.BEKAL_CARE_ATTACHMENT_MAX_BYTES) + 64 * 1024


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@never_cache
@participant_required
@require_http_methods(["GET"])
def tickets(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = [
        (ticket, clock_label(ticket, now=now))
        for ticket in selectors.list_citizen_tickets(citizen=_user(request)).select_related(
            "region"
        )
    ]
    return render(request, "portal/care/tickets.html", {"rows": rows})


@body_limit(max_bytes=_max_body_bytes, template="portal/care/too_large.html")
@participant_required
@require_http_methods(["GET", "POST"])
def new_ticket(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = NewTicketForm(
        request.POST or None,
        request.FILES or None,
        initial={"submission": uuid.uuid4().hex, "category": request.GET.get("kategori", "")},
    )
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["submission"]
        if not _TOKEN.fullmatch(token):
            token = uuid.uuid4().hex
        profile = get_profile(user=user)
        try:
            ticket = services.open_ticket(
                idempotency_key=f"web:{user.pk}:{token}",
                category=form.cleaned_data["category"],
                body=form.cleaned_data["body"],
                channel=Channel.WEB,
                citizen=user,
                region=profile.domicile_regency if profile else None,
                attachment=form.cleaned_data["attachment"],
                ip=client_ip(request),
            )
        except DomainError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, str(error))
            return refused(render(request, "portal/care/new.html", {"form": form}), error)
        messages.success(
            request,
            _("Your ticket %(reference)s was sent. We answer within 3 working days.")
            % {"reference": ticket.reference},
        )
        return redirect("portal:care_ticket", ticket.reference)
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/care/new.html", {"form": form}, status=status)


@body_limit(max_bytes=_max_body_bytes, template="portal/care/too_large.html")
@never_cache
@participant_required
@require_http_methods(["GET", "POST"])
def ticket(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    try:
        view = selectors.get_citizen_ticket(citizen=user, reference=reference[:8])
    except TicketNotFoundError:
        raise Http404 from None
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reply_as_citizen(
                citizen=user,
                reference=view.ticket.reference,
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data["attachment"],
                ip=client_ip(request),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
            return refused(_ticket_page(request, view, form), error)
        messages.success(request, _("Your reply was sent."))
        return redirect("portal:care_ticket", view.ticket.reference)
    response = _ticket_page(request, view, form)
    if request.method == "POST":
        response.status_code = 400
    return response


def _ticket_page(request: HttpRequest, view: selectors.TicketView, form: ReplyForm) -> HttpResponse:
    context = {
        "view": view,
        "ticket": view.ticket,
        "clock": clock_label(view.ticket, now=timezone.now()),
        "form": form,
    }
    return render(request, "portal/care/ticket.html", context)


@participant_required
@require_http_methods(["GET"])
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponse:
    try:
        found = selectors.get_attachment(viewer=_user(request), attachment_id=attachment_id)
    except TicketNotFoundError:
        raise Http404 from None
    response = HttpResponse(care_attachments.read(found), content_type=found.content_type)
    response["Content-Disposition"] = "attachment"
    response["Cache-Control"] = "private, no-store"
    return response
