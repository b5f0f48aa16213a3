"""Refusals of the test: starting, answering and submitting an attempt."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from bekal.core.errors import DomainError, NotFoundError


class AlreadyPassedError(DomainError):
    code = "test_already_passed"
    http_status = 409
    message = _("You have already passed the test. You do not need to take it again.")


class RetakeTooSoonError(DomainError):
    code = "test_retake_too_soon"
    http_status = 409
    message = _("You can take the test again from %(retake_at)s WIB.")

    def __init__(self, *, retake_at: dt.datetime) -> None:
        from django.utils import formats, timezone

        local = timezone.localtime(retake_at)
        super().__init__(retake_at=formats.date_format(local, "j F Y, H:i"))
        self.retake_at = retake_at


class QuestionBankTooSmallError(DomainError):
    code = "question_bank_too_small"
    http_status = 503
    message = _("The test is not available at the moment. Please try again later.")


class DeadlinePassedError(DomainError):
    code = "test_deadline_passed"
    http_status = 409
    message = _("The time for the test is over. Your answers until then have been kept.")


class AttemptClosedError(DomainError):
    code = "test_attempt_closed"
    http_status = 409
    message = _("This test has already been submitted.")


class QuestionNotInAttemptError(NotFoundError):
    code = "test_question_not_found"
    message = _("This question is not part of your test.")


class OptionNotInQuestionError(DomainError):
    code = "test_option_not_in_question"
    message = _("Choose one of the answers shown for this question.")
