"""Starting, answering and submitting the test, timed by the server."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import connection

from bekal.assessment import selectors, services
from bekal.assessment.errors import (
    AlreadyPassedError,
    AttemptClosedError,
    DeadlinePassedError,
    OptionNotInQuestionError,
    QuestionBankTooSmallError,
    RetakeTooSoonError,
)
from bekal.assessment.models import Attempt, Question
from bekal.assessment.rules import RETAKE_COOL_DOWN, category_split
from bekal.core.models import AuditEvent
from tests.assessment.support import T0, items, person, right_option, wrong_option

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)


def test_the_bank_ships_at_least_twelve_questions_of_four_options_per_category():
    counts = Counter(Question.objects.filter(active=True).values_list("category", flat=True))

    assert set(counts) == {"reading", "numeracy", "reasoning", "motivation"}
    assert min(counts.values()) >= 12
    for question in Question.objects.prefetch_related("options"):
        options = list(question.options.all())
        assert len(options) == 4, question.code
        if question.category == "motivation":
            assert sorted(o.score for o in options) == [0, 1, 2, 3], question.code
        else:
            assert sum(o.is_correct for o in options) == 1, question.code


def test_the_split_gives_the_remainder_to_reading_then_numeracy():
    assert category_split(18) == {"reading": 5, "numeracy": 5, "reasoning": 4, "motivation": 4}
    assert category_split(20) == {"reading": 5, "numeracy": 5, "reasoning": 5, "motivation": 5}
    assert category_split(5) == {"reading": 2, "numeracy": 1, "reasoning": 1, "motivation": 1}


def test_a_draw_follows_the_split_and_never_repeats_a_question():
    user = person()

    attempt = services.start_attempt(user=user, now=T0)

    drawn = items(attempt)
    assert [item.position for item in drawn] == list(range(1, 19))
    assert len({item.question_id for item in drawn}) == 18
    assert Counter(item.question.category for item in drawn) == category_split(18)
    assert all(len(item.option_order) == 4 for item in drawn)


def test_the_attempt_keeps_the_schemes_duration_and_pass_mark():
    attempt = services.start_attempt(
        user=person(), question_count=12, duration_minutes=20, pass_mark=70, now=T0
    )

    assert attempt.deadline - attempt.started_at == dt.timedelta(minutes=20)
    assert (attempt.pass_mark, attempt.question_count) == (70, 12)
    assert attempt.questions.count() == 12
    assert AuditEvent.objects.filter(action="assessment.attempt_started").count() == 1


def test_two_people_get_their_own_order_of_questions_or_options():
    first = services.start_attempt(user=person("a@contoh.id"), now=T0)
    second = services.start_attempt(user=person("b@contoh.id"), now=T0)

    def shape(attempt):
        return [(i.question_id, tuple(i.option_order)) for i in items(attempt)]

    assert shape(first) != shape(second)


def test_starting_again_returns_the_same_attempt_with_less_time():
    user = person()
    first = services.start_attempt(user=user, now=T0)

    again = services.start_attempt(user=user, now=T0 + 4 * MINUTE)

    assert again.pk == first.pk
    assert [i.question_id for i in items(again)] == [i.question_id for i in items(first)]
    assert again.remaining_seconds(T0 + 4 * MINUTE) == 11 * 60
    assert Attempt.objects.filter(user=user).count() == 1


def test_an_answer_is_kept_and_can_be_changed_until_submitted():
    attempt = services.start_attempt(user=person(), now=T0)
    item = items(attempt)[0]

    services.answer_question(
        attempt=attempt, position=1, option_id=wrong_option(item).pk, now=T0 + MINUTE
    )
    services.answer_question(
        attempt=attempt, position=1, option_id=right_option(item).pk, now=T0 + 2 * MINUTE
    )

    shown = selectors.get_attempt_question(attempt=attempt, position=1)
    assert shown.chosen_option_id == right_option(item).pk


def test_an_option_of_another_question_is_refused():
    attempt = services.start_attempt(user=person(), now=T0)
    first, second = items(attempt)[:2]

    with pytest.raises(OptionNotInQuestionError) as refused:
        services.answer_question(
            attempt=attempt, position=1, option_id=second.option_order[0], now=T0 + MINUTE
        )

    assert refused.value.code == "test_option_not_in_question"
    first.refresh_from_db()
    assert first.chosen_option_id is None


def test_an_answer_after_the_deadline_is_refused_and_the_attempt_scored_on_what_was_answered():
    attempt = services.start_attempt(user=person(), now=T0)
    drawn = items(attempt)
    for item in drawn[:9]:
        services.answer_question(
            attempt=attempt, position=item.position, option_id=right_option(item).pk, now=T0
        )

    with pytest.raises(DeadlinePassedError) as refused:
        services.answer_question(
            attempt=attempt,
            position=10,
            option_id=right_option(drawn[9]).pk,
            now=attempt.deadline,
        )
    finished = services.finish_expired_attempts(now=attempt.deadline + MINUTE)

    assert refused.value.code == "test_deadline_passed"
    assert finished == 1
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.EXPIRED
    assert attempt.finished_at == attempt.deadline
    assert attempt.score == 50  # 9 of 18
    assert attempt.passed is False
    assert AuditEvent.objects.filter(action="assessment.attempt_expired").count() == 1


def test_finishing_expired_attempts_leaves_the_running_ones_alone():
    late = services.start_attempt(user=person("late@contoh.id"), now=T0)
    running = services.start_attempt(user=person("now@contoh.id"), now=T0 + 10 * MINUTE)

    services.finish_expired_attempts(now=T0 + 16 * MINUTE)

    late.refresh_from_db()
    running.refresh_from_db()
    assert late.status == Attempt.Status.EXPIRED
    assert (late.score, late.passed) == (0, False)
    assert running.status == Attempt.Status.OPEN
    assert running.score is None


def test_all_right_scores_100_and_passes():
    attempt = services.start_attempt(user=person(), now=T0)
    for item in items(attempt):
        services.answer_question(
            attempt=attempt, position=item.position, option_id=right_option(item).pk, now=T0
        )

    result = services.submit_attempt(attempt=attempt, now=T0 + 5 * MINUTE)

    assert (result.status, result.score, result.passed) == (Attempt.Status.SUBMITTED, 100, True)
    assert selectors.has_passed(user=attempt.user)
    event = AuditEvent.objects.get(action="assessment.attempt_submitted")
    assert event.details == {"score": 100, "passed": True, "pass_mark": 60}


def test_wrong_answers_and_the_least_fitting_motivation_answers_score_nothing():
    attempt = services.start_attempt(user=person(), now=T0)
    for item in items(attempt):
        services.answer_question(
            attempt=attempt, position=item.position, option_id=wrong_option(item).pk, now=T0
        )

    result = services.submit_attempt(attempt=attempt, now=T0 + MINUTE)

    assert (result.score, result.passed) == (0, False)
    assert not selectors.has_passed(user=attempt.user)


def test_a_motivation_answer_counts_its_score_in_thirds_of_a_point():
    # Given a 4-question test (one of each category), the motivation answer scored 2 of 3
    attempt = services.start_attempt(user=person(), question_count=4, now=T0)
    for item in items(attempt):
        if item.question.category == "motivation":
            option = item.question.options.get(score=2)
        else:
            option = right_option(item)
        services.answer_question(
            attempt=attempt, position=item.position, option_id=option.pk, now=T0
        )

    result = services.submit_attempt(attempt=attempt, now=T0 + MINUTE)

    # 3 + 2/3 points of 4 = 91.67 %, rounded down
    assert result.score == 91


@pytest.mark.parametrize(("right", "passes"), [(10, False), (11, True)])
def test_the_pass_mark_is_reached_at_or_above_it(right, passes):
    # 18 questions, pass mark 60 %: 10 right is 55 %, 11 right is 61 %
    attempt = services.start_attempt(user=person(), now=T0)
    for item in items(attempt)[:right]:
        services.answer_question(
            attempt=attempt, position=item.position, option_id=right_option(item).pk, now=T0
        )

    result = services.submit_attempt(attempt=attempt, now=T0 + MINUTE)

    assert result.passed is passes


def test_a_score_equal_to_the_pass_mark_passes():
    # 4 questions, pass mark 75: three right is exactly 75 %
    attempt = services.start_attempt(user=person(), question_count=4, pass_mark=75, now=T0)
    for item in items(attempt)[:3]:
        services.answer_question(
            attempt=attempt, position=item.position, option_id=right_option(item).pk, now=T0
        )

    result = services.submit_attempt(attempt=attempt, now=T0 + MINUTE)

    assert (result.score, result.passed) == (75, True)


def test_a_submitted_attempt_takes_no_more_answers_and_no_second_submission():
    attempt = services.start_attempt(user=person(), now=T0)
    services.submit_attempt(attempt=attempt, now=T0 + MINUTE)
    item = items(attempt)[0]

    with pytest.raises(AttemptClosedError):
        services.answer_question(
            attempt=attempt, position=1, option_id=right_option(item).pk, now=T0 + 2 * MINUTE
        )
    with pytest.raises(AttemptClosedError):
        services.submit_attempt(attempt=attempt, now=T0 + 2 * MINUTE)


def test_submitting_after_the_deadline_counts_as_time_ran_out():
    attempt = services.start_attempt(user=person(), now=T0)

    result = services.submit_attempt(attempt=attempt, now=attempt.deadline + MINUTE)

    assert result.status == Attempt.Status.EXPIRED
    assert result.finished_at == attempt.deadline


def test_a_failed_attempt_may_be_retaken_after_the_cool_down_only():
    user = person()
    failed = services.submit_attempt(
        attempt=services.start_attempt(user=user, now=T0), now=T0 + MINUTE
    )

    with pytest.raises(RetakeTooSoonError) as too_soon:
        services.start_attempt(user=user, now=failed.finished_at + RETAKE_COOL_DOWN - MINUTE)
    retake = services.start_attempt(user=user, now=failed.finished_at + RETAKE_COOL_DOWN)

    assert too_soon.value.code == "test_retake_too_soon"
    assert too_soon.value.retake_at == failed.finished_at + RETAKE_COOL_DOWN
    assert retake.pk != failed.pk
    assert selectors.get_latest_attempt(user=user) == retake


def test_a_retake_draws_questions_not_seen_before_where_the_bank_allows():
    user = person()
    first = services.submit_attempt(
        attempt=services.start_attempt(user=user, now=T0), now=T0 + MINUTE
    )

    retake = services.start_attempt(user=user, now=first.finished_at + RETAKE_COOL_DOWN)

    seen = {i.question_id for i in items(first)}
    # 12 questions a category, 4-5 drawn: a retake needs none of the first ones
    assert seen.isdisjoint(i.question_id for i in items(retake))


def test_a_passed_test_is_never_retaken():
    user = person()
    attempt = services.start_attempt(user=user, now=T0)
    for item in items(attempt):
        services.answer_question(
            attempt=attempt, position=item.position, option_id=right_option(item).pk, now=T0
        )
    services.submit_attempt(attempt=attempt, now=T0 + MINUTE)

    with pytest.raises(AlreadyPassedError):
        services.start_attempt(user=user, now=T0 + 30 * RETAKE_COOL_DOWN)


def test_starting_after_an_unfinished_attempt_ran_out_scores_it_first():
    user = person()
    forgotten = services.start_attempt(user=user, now=T0)

    with pytest.raises(RetakeTooSoonError):
        services.start_attempt(user=user, now=T0 + 20 * MINUTE)

    forgotten.refresh_from_db()
    assert forgotten.status == Attempt.Status.EXPIRED
    assert selectors.get_open_attempt(user=user) is None


def test_retired_questions_are_not_drawn_and_past_attempts_keep_theirs():
    user = person()
    first = services.start_attempt(user=user, now=T0)
    before = [i.question_id for i in items(first)]
    Question.objects.filter(category="reading").exclude(
        pk__in=Question.objects.filter(category="reading").order_by("pk")[:5]
    ).update(active=False)

    other = services.start_attempt(user=person("b@contoh.id"), now=T0)

    assert [i.question_id for i in items(first)] == before
    kept = set(
        Question.objects.filter(category="reading", active=True).values_list("pk", flat=True)
    )
    drawn_reading = {i.question_id for i in items(other) if i.question.category == "reading"}
    assert drawn_reading == kept


def test_too_small_a_bank_refuses_to_start_and_creates_nothing():
    Question.objects.filter(category="numeracy").update(active=False)
    user = person()

    with pytest.raises(QuestionBankTooSmallError):
        services.start_attempt(user=user, now=T0)

    assert selectors.get_latest_attempt(user=user) is None


def test_the_database_holds_one_open_attempt_per_person():
    from django.db import IntegrityError, transaction

    attempt = services.start_attempt(user=person(), now=T0)

    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(
            user=attempt.user,
            started_at=T0,
            deadline=attempt.deadline,
            duration_minutes=15,
            pass_mark=60,
            question_count=18,
        )


@pytest.mark.django_db(transaction=True)
def test_two_tabs_starting_at_once_share_one_attempt():
    user = person()
    barrier = threading.Barrier(2)
    started: list[int] = []
    failures: list[BaseException] = []

    def start() -> None:
        try:
            barrier.wait()
            started.append(services.start_attempt(user=user, now=T0).pk)
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert failures == []
    assert len(started) == 2 and started[0] == started[1]
    assert Attempt.objects.filter(user=user).count() == 1
