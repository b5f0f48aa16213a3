"""Exclusion lists: upload a CSV of NIKs, follow its import, read the refused rows."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from bekal.accounts.models import User
from bekal.core.errors import DomainError
from bekal.programmes.models import ExclusionList
from bekal.programmes.selectors import list_exclusion_lists, list_refusals
from bekal.programmes.services import rerun_import, upload_exclusion_list
from bekal.web.backoffice.wave_views import programme_office
from bekal.web.refusals import refusal_status


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ExclusionList.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    source = forms.CharField(label=_("Source"), max_length=200)
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("A header line with a nik column; optional valid_from and valid_to."),
    )


class RerunForm(forms.Form):
    file = forms.FileField(label=_("Corrected CSV file"), required=False)


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@programme_office
def exclusion_lists(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = upload_exclusion_list(
                kind=data["kind"],
                name=data["name"],
                source=data["source"],
                file=data["file"],
                actor=_actor(request),
            )
        except DomainError as error:
            form.add_error(None, str(error))
            status = refusal_status(error)
        else:
            return redirect("backoffice:exclusion_list", list_id=created.pk)
    return render(
        request,
        "backoffice/exclusion_lists.html",
        {"lists": list_exclusion_lists(), "form": form},
        status=status,
    )


@programme_office
def exclusion_list(request: HttpRequest, list_id: int) -> HttpResponse:
    found = get_object_or_404(ExclusionList, pk=list_id)
    form = RerunForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            rerun_import(
                exclusion_list=found, actor=_actor(request), file=form.cleaned_data["file"]
            )
        except DomainError as error:
            form.add_error(None, str(error))
            status = refusal_status(error)
        else:
            return redirect("backoffice:exclusion_list", list_id=found.pk)
    return render(
        request,
        "backoffice/exclusion_list.html",
        {"list": found, "refusals": list_refusals(exclusion_list=found)[:200], "form": form},
        status=status,
    )
