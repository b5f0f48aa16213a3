"""Joining a wave, and seeing where one stands in it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
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
from bekal.selection.selectors import get_published_result
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
