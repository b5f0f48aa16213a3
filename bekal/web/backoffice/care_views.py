"""Care tickets in the back office: queues per region by time left, the ticket page
(answer, wait on the citizen, resolve, internal note) and the officer's create page (a
walk-in at the desk, a phone call). Every page is scoped and audited by bekal.care."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bekal.accounts.models import User
from bekal.accounts.phone_numbers import parse_mobile_number
from bekal.accounts.phone_verification import phone_index
from bekal.care import attachments as care_attachments
from bekal.care import selectors, services
from bekal.care.errors import CitizenNotFoundError, TicketNotFoundError
from bekal.care.models import Channel, Ticket
from bekal.core.errors import DomainError
from bekal.registration.selectors import get_profile
from bekal.web.backoffice.views import staff_only
from bekal.web.client import client_ip
from bekal.web.refusals import refused, render_refusal
from bekal.web.ticket_display import clock_label

_TOKEN = re.compile(r"[0-9a-f]{32}")


class AnswerForm(forms.Form):
    ANSWER, WAIT, RESOLVE, NOTE = "answer", "wait", "resolve", "note"
    body = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=services.MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": gettext_lazy("Write your message (at least 10 characters).")},
    )
    action = forms.ChoiceField(
        label=gettext_lazy("What happens next"),
        widget=forms.RadioSelect,
        initial=ANSWER,
        choices=[
            (ANSWER, gettext_lazy("Answer; the ticket stays open")),
            (WAIT, gettext_lazy("Ask the citizen; the clock pauses until they reply")),
            (RESOLVE, gettext_lazy("Answer and resolve")),
            (NOTE, gettext_lazy("Internal note (staff only)")),
        ],
    )


class NewTicketForm(forms.Form):
    channel = forms.ChoiceField(
        label=gettext_lazy("How did the citizen reach you?"),
        choices=[(Channel.DESK, Channel.DESK.label), (Channel.PHONE, Channel.PHONE.label)],
    )
    category = forms.ChoiceField(
        label=gettext_lazy("What is it about?"),
        choices=[("", gettext_lazy("Choose…"))]
        + [(c.value, c.label) for c in services.STAFF_CATEGORIES],
        error_messages={"required": gettext_lazy("Choose what the ticket is about.")},
    )
    email = forms.CharField(
        label=gettext_lazy("The citizen's email address or mobile number (optional)"),
        required=False,
        max_length=254,
        help_text=gettext_lazy(
            "With it, the ticket appears in the citizen's account and they are told of answers."
        ),
    )
    body = forms.CharField(
        label=gettext_lazy("What the citizen asks or reports"),
        max_length=services.MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": gettext_lazy("Write your message (at least 10 characters).")},
    )
    submission = forms.CharField(widget=forms.HiddenInput)


def _viewer(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@never_cache
@staff_only
@require_http_methods(["GET"])
def queue(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    status = "resolved" if request.GET.get("status") == "resolved" else "open"
    every_region = selectors.sees_every_region(viewer)
    region = request.GET.get("wilayah", "")[:13]
    region_id = region if every_region and region else None
    now = timezone.now()
    shown = selectors.list_queue(
        viewer=viewer, status=status, region_id=region_id, ip=client_ip(request)
    )
    escalated = selectors.escalation_levels(ticket_ids=[t.pk for t in shown])
    rows = [(t, clock_label(t, now=now), escalated.get(t.pk, 0)) for t in shown]
    return render(
        request,
        "backoffice/care/queue.html",
        {
            "rows": rows,
            "status": status,
            "every_region": every_region,
            "regions": selectors.list_queue_regions(viewer=viewer) if every_region else [],
            "region_id": region_id,
        },
    )


@never_cache
@staff_only
@require_http_methods(["GET", "POST"])
def ticket(request: HttpRequest, reference: str) -> HttpResponse:
    viewer = _viewer(request)
    ip = client_ip(request)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action, body = form.cleaned_data["action"], form.cleaned_data["body"]
        try:
            if action == AnswerForm.RESOLVE:
                services.resolve_ticket(viewer=viewer, reference=reference, body=body, ip=ip)
            else:
                services.answer_ticket(
                    viewer=viewer,
                    reference=reference,
                    body=body,
                    wait_on_citizen=action == AnswerForm.WAIT,
                    internal=action == AnswerForm.NOTE,
                    ip=ip,
                )
        except TicketNotFoundError as error:
            return render_refusal(request, "backoffice/refused.html", {"error": str(error)}, error)
        except DomainError as error:
            form.add_error("body" if error.field == "body" else None, str(error))
            return refused(_page(request, viewer, reference, form), error)
        messages.success(request, _("Saved."))
        return redirect("backoffice:care_ticket", reference)
    response = _page(request, viewer, reference, form)
    if request.method == "POST" and response.status_code == 200:
        response.status_code = 400
    return response


def _page(request: HttpRequest, viewer: User, reference: str, form: AnswerForm) -> HttpResponse:
    try:
        view = selectors.open_ticket_for_staff(
            viewer=viewer, reference=reference[:8], ip=client_ip(request)
        )
    except DomainError as error:
        return render_refusal(request, "backoffice/refused.html", {"error": str(error)}, error)
    context = {
        "view": view,
        "ticket": view.ticket,
        "clock": clock_label(view.ticket, now=timezone.now()),
        "escalations": view.ticket.escalations.all(),
        "form": form,
    }
    return render(request, "backoffice/care/ticket.html", context)


@staff_only
@require_http_methods(["GET", "POST"])
def new_ticket(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    form = NewTicketForm(
        request.POST or None,
        initial={"submission": uuid.uuid4().hex, "channel": request.GET.get("saluran", "desk")},
    )
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["submission"]
        if not _TOKEN.fullmatch(token):
            token = uuid.uuid4().hex
        try:
            citizen = _citizen(form.cleaned_data["email"])
            profile = get_profile(user=citizen) if citizen else None
            region = profile.domicile_regency if profile else viewer.region
            if not selectors.sees_every_region(viewer):
                region = viewer.region  # an officer opens tickets for their own office
            created: Ticket = services.open_ticket(
                idempotency_key=f"staff:{viewer.pk}:{token}",
                category=form.cleaned_data["category"],
                body=form.cleaned_data["body"],
                channel=form.cleaned_data["channel"],
                citizen=citizen,
                region=region,
                opened_by=viewer,
                ip=client_ip(request),
            )
        except DomainError as error:
            field = {"ticket_citizen_not_found": "email"}.get(error.code, error.field)
            form.add_error(field if field in form.fields else None, str(error))
            return refused(render(request, "backoffice/care/new.html", {"form": form}), error)
        messages.success(
            request, _("Ticket %(reference)s opened.") % {"reference": created.reference}
        )
        return redirect("backoffice:care_ticket", created.reference)
    status = 400 if request.method == "POST" else 200
    return render(request, "backoffice/care/new.html", {"form": form}, status=status)


def _citizen(contact: str) -> User | None:
    """The participant account with this email, or whose verified number this is."""
    contact = contact.strip()
    if not contact:
        return None
    participants = User.objects.filter(role=User.Role.PARTICIPANT)
    if "@" in contact:
        found = participants.filter(email=contact.lower()).first()
    else:
        try:
            index = phone_index(parse_mobile_number(contact))
        except DomainError:
            raise CitizenNotFoundError(field="email") from None
        found = participants.filter(
            verified_phones__phone_index=index, verified_phones__replaced_at__isnull=True
        ).first()
    if found is None:
        raise CitizenNotFoundError(field="email")
    return found


@staff_only
@require_http_methods(["GET"])
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponse:
    try:
        found = selectors.get_attachment(
            viewer=_viewer(request), attachment_id=attachment_id, ip=client_ip(request)
        )
    except DomainError as error:
        return render_refusal(request, "backoffice/refused.html", {"error": str(error)}, error)
    response = HttpResponse(care_attachments.read(found), content_type=found.content_type)
    response["Content-Disposition"] = "attachment"
    response["Cache-Control"] = "private, no-store"
    return response
