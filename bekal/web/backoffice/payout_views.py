"""/kantor/pembayaran/: incentive payout batches (prepare, a second officer approves,
cancel) and the break queue (reconciliation breaks, unknown attempts, close names)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bekal.accounts.models import User
from bekal.core.audit import record_event
from bekal.core.errors import DomainError
from bekal.disbursements import reconciliation, selectors
from bekal.disbursements.models import Batch, PayoutAccount, ReconciliationItem
from bekal.disbursements.services import accounts, batches
from bekal.registration.selectors import get_profile
from bekal.web.backoffice.wave_views import programme_office
from bekal.web.refusals import refusal_status


class ApproveForm(forms.Form):
    control_count = forms.IntegerField(label=gettext_lazy("Number of payments"), min_value=0)
    control_sum = forms.IntegerField(label=gettext_lazy("Total (Rp)"), min_value=0)


class ResolveForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("What was done"), max_length=300)


def _officer(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@programme_office
def payouts(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        try:
            batch = batches.prepare_batch(officer=_officer(request))
        except DomainError as error:
            messages.error(request, str(error))
            status = refusal_status(error)
        else:
            return redirect("backoffice:payout_batch", batch_id=batch.pk)
    return render(
        request,
        "backoffice/payouts.html",
        {"due": selectors.get_due_summary(), "batches": selectors.list_batches()},
        status=status,
    )


def _batch_page(
    request: HttpRequest, batch: Batch, form: ApproveForm, status: int = 200
) -> HttpResponse:
    items = list(
        batch.instalments.select_related("user").order_by("pk")[:200]
        if batch.status != Batch.Status.CANCELLED
        else []
    )
    attempts = {a.instalment_id: a for a in batch.attempts.select_related("account")}
    accounts_in_use = {
        a.user_id: a
        for a in PayoutAccount.objects.filter(
            user_id__in=[i.user_id for i in items], status=PayoutAccount.Status.ACTIVE
        )
    }
    rows = [(i, attempts.get(i.pk), accounts_in_use.get(i.user_id)) for i in items]
    record_event(
        action="disbursements.batch_viewed",
        actor=_officer(request),
        target=batch,
        accounts_shown=len(rows),
    )
    return render(
        request,
        "backoffice/payout_batch.html",
        {
            "batch": batch,
            "rows": rows,
            "form": form,
            "outcomes": selectors.get_batch_outcomes(batch=batch),
        },
        status=status,
    )


@programme_office
def payout_batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = get_object_or_404(Batch, pk=batch_id)
    form = ApproveForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return _batch_page(request, batch, form, 400)
        try:
            batches.approve_batch(
                batch=batch,
                officer=_officer(request),
                control_count=form.cleaned_data["control_count"],
                control_sum=form.cleaned_data["control_sum"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
            return _batch_page(request, batch, form, refusal_status(error))
        messages.success(request, _("Batch approved: it is being sent to the provider."))
        return redirect("backoffice:payout_batch", batch_id=batch.pk)
    return _batch_page(request, batch, form)


@programme_office
@require_POST
def cancel_payout_batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = get_object_or_404(Batch, pk=batch_id)
    try:
        batches.cancel_batch(batch=batch, officer=_officer(request), reason="back office")
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Batch cancelled: its payments are due again."))
    return redirect("backoffice:payout_batch", batch_id=batch.pk)


@programme_office
def payout_breaks(request: HttpRequest) -> HttpResponse:
    items = selectors.list_breaks()
    names = {
        item.pk: getattr(get_profile(user=item.user), "full_name", item.user.full_name)
        for item in items
        if isinstance(item, PayoutAccount)
    }
    if names:
        record_event(
            action="disbursements.close_names_viewed",
            actor=_officer(request),
            accounts=sorted(names),
        )
    return render(
        request,
        "backoffice/payout_breaks.html",
        {
            "breaks": [i for i in items if isinstance(i, ReconciliationItem)],
            "unknown": [i for i in items if type(i).__name__ == "Attempt"],
            "close_names": [(i, names[i.pk]) for i in items if isinstance(i, PayoutAccount)],
            "form": ResolveForm(),
        },
    )


@programme_office
@require_POST
def resolve_break(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(ReconciliationItem, pk=item_id)
    form = ResolveForm(request.POST)
    if form.is_valid():
        reconciliation.resolve_item(
            item=item, officer=_officer(request), note=form.cleaned_data["note"]
        )
        messages.success(request, _("Marked as resolved."))
    else:
        messages.error(request, _("Say what was done."))
    return redirect("backoffice:payout_breaks")


@programme_office
@require_POST
def confirm_close_name(request: HttpRequest, account_id: int) -> HttpResponse:
    account = get_object_or_404(PayoutAccount, pk=account_id)
    accounts.confirm_close_match(account=account, officer=_officer(request))
    messages.success(request, _("The account is confirmed and in use."))
    return redirect("backoffice:payout_breaks")
