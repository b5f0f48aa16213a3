"""Joining a wave, and seeing where one stands in it; each wave's public page with the
proof of its selection (seed commitment, revealed seed, inputs and selected list to
download, the wave's entries of the proof log and its head)."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bekal.accounts.models import User
from bekal.assessment.selectors import has_passed
from bekal.core.errors import DomainError
from bekal.programmes import selectors as programmes
from bekal.programmes.errors import AlreadyJoinedError
from bekal.programmes.models import Wave
from bekal.programmes.services import join_wave
from bekal.registration.selectors import get_profile
from bekal.selection.selectors import (
    export_proof_log,
    get_proof_log_head,
    get_published_result,
    get_wave_proof,
    open_published_file,
)
from bekal.web.portal.registration_views import participant_required


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@participant_required
@require_http_methods(["GET"])
def wave_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    profile = get_profile(user=user)
    regency = profile.domicile_regency_id if profile else None
    context = {
        "passed": has_passed(user=user),
        "open_waves": programmes.get_open_waves(regency_code=regency),
        "applications": [
            (application, get_published_result(application=application))
            for application in programmes.list_applications(user=user)
        ],
    }
    return render(request, "portal/waves/list.html", context)


@participant_required
@require_POST
def wave_join(request: HttpRequest, number: int) -> HttpResponse:
    user = _user(request)
    wave = get_object_or_404(Wave, number=number)
    try:
        join_wave(user=user, wave=wave, test_passed=has_passed(user=user))
    except AlreadyJoinedError:
        pass  # the same join sent again (a double tap, a retry): they are in, as it said
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("portal:wave_list")
    messages.success(
        request, _("You joined wave %(n)s. We will tell you the result.") % {"n": wave.number}
    )
    return redirect("portal:home")


def _wave(number: int) -> Wave:
    """A wave the public may see (not a draft)."""
    return get_object_or_404(Wave.objects.exclude(status=Wave.Status.DRAFT), number=number)


@require_http_methods(["GET"])
def wave_detail(request: HttpRequest, number: int) -> HttpResponse:
    """Public: the wave, and the proof of its selection so far."""
    wave = _wave(number)
    context = {"wave": wave, "proof": get_wave_proof(wave=wave), "head": get_proof_log_head()}
    return render(request, "portal/waves/detail.html", context)


def _download(wave: Wave, kind: str, filename: str, content_type: str) -> FileResponse:
    opened = open_published_file(wave=wave, kind=kind)
    if opened is None:
        raise Http404(_("The results of this wave have not been published."))
    handle, _name = opened
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["Content-Type"] = content_type
    return response


@require_http_methods(["GET"])
def wave_inputs(request: HttpRequest, number: int) -> FileResponse:
    """Public: the canonical inputs of the wave's published selection (no NIK, no name)."""
    return _download(
        _wave(number), "inputs", f"bekal-gelombang-{number}-masukan.json", "application/json"
    )


@require_http_methods(["GET"])
def wave_selected(request: HttpRequest, number: int) -> FileResponse:
    """Public: the selected pseudonyms (application numbers), in lottery order."""
    return _download(
        _wave(number),
        "selected",
        f"bekal-gelombang-{number}-terpilih.txt",
        "text/plain; charset=utf-8",
    )


@require_http_methods(["GET"])
def proof_log(request: HttpRequest) -> HttpResponse:
    """Public: the whole proof log as plain text, to print, mail or post elsewhere."""
    response = HttpResponse(export_proof_log(), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="bekal-log-bukti.txt"'
    return response
