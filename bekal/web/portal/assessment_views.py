"""The test pages: start, one question at a time, submit, result.

The server is the clock: the remaining time is computed from the attempt's stored
deadline on every page, a reload or a second tab shows the same attempt with less time,
and an attempt found past its deadline is scored on what was answered. Everything works
without JavaScript; a small inline script only counts the seconds down between pages.
"""

from __future__ import annotations

import contextlib
from typing import Any, TypedDict

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bekal.accounts.models import User
from bekal.assessment import selectors, services
from bekal.assessment.errors import (
    AttemptClosedError,
    DeadlinePassedError,
    OptionNotInQuestionError,
)
from bekal.assessment.models import Attempt
from bekal.core.errors import DomainError
from bekal.participants.journey import get_journey
from bekal.programmes.selectors import get_scheme_in_force
from bekal.web.portal.registration_views import participant_required


class _TestRules(TypedDict):
    question_count: int
    duration_minutes: int
    pass_mark: int


def _test_rules() -> _TestRules:
    """The test as the scheme in force sets it; start_attempt stores what it is given."""
    scheme = get_scheme_in_force()
    return {
        "question_count": scheme.test_question_count,
        "duration_minutes": scheme.test_duration_minutes,
        "pass_mark": scheme.test_pass_mark,
    }


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _clock(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}:{rest:02d}"


def _open_or_finish(request: HttpRequest, user: User) -> Attempt | HttpResponse:
    """The open attempt with time left, or where to go instead (the result, the start)."""
    attempt = selectors.get_open_attempt(user=user)
    if attempt is not None and attempt.remaining_seconds(timezone.now()) <= 0:
        services.finish_expired_attempts(user=user)
        messages.info(request, _("The time is up. Your test was scored on the answers you gave."))
        return redirect("portal:assessment_result")
    if attempt is None:
        latest = selectors.get_latest_attempt(user=user)
        return redirect("portal:assessment_result" if latest else "portal:assessment_start")
    return attempt


@participant_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not get_journey(user=user).registration_complete:
        return render(request, "portal/assessment/not_ready.html", status=403)
    services.finish_expired_attempts(user=user)
    if request.method == "POST":
        try:
            services.start_attempt(
                user=user,
                **_test_rules(),
            )
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("portal:assessment_start")
        return redirect("portal:assessment_question", position=_first_unanswered(user))
    latest = selectors.get_latest_attempt(user=user)
    retake_at = selectors.get_retake_at(attempt=latest) if latest else None
    context: dict[str, Any] = {
        "open_attempt": selectors.get_open_attempt(user=user),
        "latest": latest,
        "passed": latest is not None and latest.passed,
        "retake_at": retake_at if retake_at and retake_at > timezone.now() else None,
        **_test_rules(),
    }
    return render(request, "portal/assessment/start.html", context)


def _first_unanswered(user: User) -> int:
    attempt = selectors.get_open_attempt(user=user)
    items = selectors.list_attempt_items(attempt=attempt) if attempt else []
    return next((i.position for i in items if i.chosen_option_id is None), 1)


@participant_required
@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, position: int) -> HttpResponse:
    user = _user(request)
    found = _open_or_finish(request, user)
    if not isinstance(found, Attempt):
        return found
    attempt = found
    error = ""
    if request.method == "POST":
        option = request.POST.get("option", "")
        try:
            if option:
                if not option.isdigit():
                    raise OptionNotInQuestionError()
                services.answer_question(attempt=attempt, position=position, option_id=int(option))
        except (DeadlinePassedError, AttemptClosedError):
            return _open_or_finish(request, user)  # type: ignore[return-value]
        except DomainError as refused:
            error = str(refused)
        else:
            return _go(request, attempt, position)
    shown = selectors.get_attempt_question(attempt=attempt, position=position)
    if shown is None:
        raise Http404
    items = selectors.list_attempt_items(attempt=attempt)
    remaining = attempt.remaining_seconds(timezone.now())
    context = {
        "attempt": attempt,
        "shown": shown,
        "items": items,
        "total": len(items),
        "answered": sum(1 for i in items if i.chosen_option_id),
        "remaining": remaining,
        "clock": _clock(remaining),
        "error": error,
    }
    return render(request, "portal/assessment/question.html", context, status=400 if error else 200)


def _go(request: HttpRequest, attempt: Attempt, position: int) -> HttpResponse:
    """Where the pressed button leads: the previous, next or a chosen question, or review."""
    action = request.POST.get("action", "next")
    target = position + 1 if action == "next" else position - 1 if action == "prev" else None
    if request.POST.get("go", "").isdigit():
        target = int(request.POST["go"])
    if action == "review" or target is None or target > attempt.question_count:
        return redirect("portal:assessment_submit")
    return redirect("portal:assessment_question", position=max(1, target))


@participant_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    found = _open_or_finish(request, user)
    if not isinstance(found, Attempt):
        return found
    attempt = found
    if request.method == "POST":
        # A second click, or another tab submitted first: the result is there either way.
        with contextlib.suppress(AttemptClosedError):
            services.submit_attempt(attempt=attempt)
        return redirect("portal:assessment_result")
    items = selectors.list_attempt_items(attempt=attempt)
    remaining = attempt.remaining_seconds(timezone.now())
    context = {
        "attempt": attempt,
        "items": items,
        "total": len(items),
        "unanswered": [i.position for i in items if i.chosen_option_id is None],
        "remaining": remaining,
        "clock": _clock(remaining),
    }
    return render(request, "portal/assessment/submit.html", context)


@participant_required
@require_GET
def result(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    services.finish_expired_attempts(user=user)
    latest = selectors.get_latest_attempt(user=user)
    if latest is None:
        return redirect("portal:assessment_start")
    if latest.is_open:
        return redirect("portal:assessment_question", position=_first_unanswered(user))
    retake_at = selectors.get_retake_at(attempt=latest)
    context = {
        "attempt": latest,
        "retake_at": retake_at,
        "can_retake_now": retake_at is not None and retake_at <= timezone.now(),
    }
    return render(request, "portal/assessment/result.html", context)
