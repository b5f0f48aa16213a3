"""Waves and their selection runs, for the programme office."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from bekal.accounts.models import User
from bekal.cards.services import request_publish
from bekal.core.errors import DomainError
from bekal.core.links import portal_links
from bekal.programmes.models import Wave
from bekal.programmes.selectors import get_scheme_in_force
from bekal.programmes.services import QuotaInput, close_wave, create_wave
from bekal.regions.selectors import get_regency_names
from bekal.selection import selectors as selection
from bekal.selection import services as runs
from bekal.selection.errors import RunMissingError
from bekal.selection.models import SelectionRun
from bekal.web.refusals import refusal_status


def programme_office(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        assert isinstance(user, User)
        if not (user.is_superuser or user.role == User.Role.PROGRAMME_ADMIN):
            return render(
                request,
                "backoffice/refused.html",
                {"error": _("This page is for the programme office.")},
                status=403,
            )
        return view(request, *args, **kwargs)

    return wrapper


class WaveForm(forms.Form):
    number = forms.IntegerField(label=gettext_lazy("Wave number"), min_value=1)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    opens_at = forms.DateTimeField(
        label=gettext_lazy("Opens at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("Closes at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    announce_at = forms.DateTimeField(
        label=gettext_lazy("Results announced at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    national_quota = forms.IntegerField(label=gettext_lazy("National quota"), min_value=1)
    regional_quotas = forms.CharField(
        label=gettext_lazy("Regional quotas"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "One per line: a province or regency/city code and its quota, e.g. 32.16 24000"
        ),
    )

    def clean_regional_quotas(self) -> list[QuotaInput]:
        quotas = []
        for number, line in enumerate(self.cleaned_data["regional_quotas"].splitlines(), 1):
            if not line.strip():
                continue
            parts = line.split()
            if len(parts) != 2 or not parts[1].isdigit():
                raise forms.ValidationError(
                    _("Line %(n)s: write a region code and a number, e.g. 32.16 24000.")
                    % {"n": number}
                )
            quotas.append(QuotaInput(region_code=parts[0], quota=int(parts[1])))
        return quotas


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@programme_office
def waves(request: HttpRequest) -> HttpResponse:
    form = WaveForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            wave = create_wave(
                scheme=get_scheme_in_force(),
                number=data["number"],
                name=data["name"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                announce_at=data["announce_at"],
                national_quota=data["national_quota"],
                quotas=data["regional_quotas"],
                actor=_actor(request),
            )
        except DomainError as error:
            form.add_error(None, str(error))
            status = refusal_status(error)
        else:
            messages.success(
                request,
                _("%(wave)s is created as a draft. Open it when people may join.")
                % {"wave": wave.name},
            )
            return redirect("backoffice:wave", number=wave.number)
    listing = Wave.objects.select_related("scheme").order_by("-number")
    return render(request, "backoffice/waves.html", {"waves": listing, "form": form}, status=status)


@programme_office
def wave(request: HttpRequest, number: int) -> HttpResponse:
    found = get_object_or_404(Wave.objects.select_related("scheme"), number=number)
    run = selection.get_run(wave=found)
    by_regency: dict[str, Any] = (run.counts or {}).get("regencies", {}) if run else {}
    names = get_regency_names(codes=by_regency)
    return render(
        request,
        "backoffice/wave.html",
        {
            "wave": found,
            "run": run,
            "applications": found.applications.count(),
            "cancellable": runs.CANCELLABLE,
            # Regencies/cities by name, in the order of their codes (province by province).
            "regency_counts": [
                (names.get(code, code), counts) for code, counts in sorted(by_regency.items())
            ],
        },
    )


#: What the office reads after each step, with "%(wave)s" the wave's name.
_DONE = {
    "commit_seed": gettext_lazy(
        "The seed of %(wave)s is committed: its hash is shown below, to be published before "
        "the wave closes."
    ),
    "close": gettext_lazy(
        "%(wave)s is closed: nobody can join it any more. Run the selection next."
    ),
    "run": gettext_lazy("The selection is running in the background."),
    "review": gettext_lazy("The review of %(wave)s is confirmed. Publish the results next."),
    "publish": gettext_lazy("The results are being published in the background."),
}


def _run(wave: Wave) -> SelectionRun:
    """The wave's selection run, for a step that needs one."""
    run = selection.get_run(wave=wave)
    if run is None:
        raise RunMissingError()
    return run


_ACTIONS: dict[str, Callable[[Wave, User], Any]] = {
    "open": lambda wave, actor: runs.open_wave_with_carry_over(
        wave=wave, actor=actor, waves_link=portal_links().wave_list()
    ),
    "commit_seed": lambda wave, actor: runs.commit_seed(
        run=selection.get_run(wave=wave) or runs.create_run(wave=wave, actor=actor), actor=actor
    ),
    "close": lambda wave, actor: close_wave(wave=wave, actor=actor),
    "run": lambda wave, actor: runs.request_run(run=_run(wave), actor=actor),
    "review": lambda wave, actor: runs.review_run(run=_run(wave), actor=actor),
    "publish": lambda wave, actor: request_publish(run=_run(wave), actor=actor),
}


def _opened_message(wave: Wave, carried: int) -> str:
    text = _(
        "%(wave)s is open. Everyone who passed the test and is not in a wave is being told "
        "by email, in the background."
    ) % {"wave": wave.name}
    if carried:
        text += " " + ngettext(
            "%(n)s person not selected in the previous wave was carried into it.",
            "%(n)s people not selected in the previous wave were carried into it.",
            carried,
        ) % {"n": carried}
    return text


@programme_office
@require_POST
def wave_action(request: HttpRequest, number: int, action: str) -> HttpResponse:
    found = get_object_or_404(Wave, number=number)
    act = _ACTIONS.get(action)
    if act is None:
        return redirect("backoffice:wave", number=number)
    try:
        result = act(found, _actor(request))
    except DomainError as error:
        messages.error(request, str(error))
    else:
        if action == "open":
            messages.success(request, _opened_message(found, result))
        else:
            messages.success(request, str(_DONE[action]) % {"wave": found.name})
    return redirect("backoffice:wave", number=number)


@programme_office
@require_POST
def cancel_run(request: HttpRequest, number: int) -> HttpResponse:
    """Cancel the wave's selection, committed but never to be published, with a reason."""
    found = get_object_or_404(Wave, number=number)
    try:
        runs.cancel_run(
            run=_run(found), actor=_actor(request), reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _(
                "The selection of %(wave)s is cancelled and recorded in the proof log. "
                "Later waves can be run."
            )
            % {"wave": found.name},
        )
    return redirect("backoffice:wave", number=number)
