"""The test's pages through the Django test client, in Bahasa Indonesia.

Views read the real clock: to move time, tests move the attempt's stored deadline.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from bekal.assessment import selectors
from bekal.assessment.models import Attempt
from tests.assessment.support import complete_registration, items, right_option, wrong_option
from tests.identity.documents_support import use_tmp_document_storage
from tests.registration.conftest import registry_file  # noqa: F401  (fixture)
from tests.registration.factories import participant

pytestmark = pytest.mark.django_db

START = reverse("portal:assessment_start")
SUBMIT = reverse("portal:assessment_submit")
RESULT = reverse("portal:assessment_result")


def question_url(position: int) -> str:
    return reverse("portal:assessment_question", args=[position])


@pytest.fixture
def siti(registry_file, settings, tmp_path):  # noqa: F811
    use_tmp_document_storage(settings, tmp_path)
    return complete_registration(participant())


@pytest.fixture
def browser(siti) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    client.force_login(siti)
    return client


def remaining_on(page: str) -> int:
    return int(re.search(r'data-remaining="(\d+)"', page).group(1))


def start(client: Client) -> Attempt:
    response = client.post(START)
    assert response.status_code == 302
    return selectors.get_open_attempt(user=response.wsgi_request.user)


def test_the_start_page_explains_the_test_before_the_clock_starts(browser, siti):
    page = browser.get(START).content.decode()

    assert "15 menit" in page
    assert "18 soal" in page
    assert "kertas dan pensil" in page
    assert "waktu tetap berjalan" in page.lower()
    assert selectors.get_open_attempt(user=siti) is None


def test_an_unfinished_registration_cannot_start_the_test():
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    user = participant("belum@contoh.id")
    client.force_login(user)

    shown = client.get(START)
    posted = client.post(START)

    assert shown.status_code == posted.status_code == 403
    assert "Selesaikan semua langkah pendaftaran" in shown.content.decode()
    assert reverse("portal:home") in shown.content.decode()
    assert selectors.get_latest_attempt(user=user) is None


def test_starting_shows_the_first_question_with_the_time_left(browser):
    response = browser.post(START, follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == question_url(1)
    assert "Soal 1 dari 18" in page
    assert 14 * 60 < remaining_on(page) <= 15 * 60
    assert page.count('type="radio" name="option"') == 4


def test_a_second_tab_shows_the_same_attempt_and_less_time(browser, siti):
    attempt = start(browser)
    second_tab = Client(HTTP_ACCEPT_LANGUAGE="id")
    second_tab.force_login(siti)
    first_page = browser.get(question_url(3)).content.decode()
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=attempt.deadline - dt.timedelta(minutes=5)
    )

    again = second_tab.post(START, follow=True).content.decode()
    reloaded = second_tab.get(question_url(3)).content.decode()

    assert Attempt.objects.filter(user=siti).count() == 1
    text = escape(items(attempt)[2].question.text)  # as the page writes it
    assert text in first_page and text in reloaded
    assert "Soal 1 dari 18" in again
    assert remaining_on(reloaded) <= remaining_on(first_page) - 5 * 60


def test_answering_moves_to_the_next_question_and_keeps_the_answer(browser):
    attempt = start(browser)
    option = right_option(items(attempt)[0])

    response = browser.post(question_url(1), {"option": option.pk, "action": "next"})
    back = browser.get(question_url(1)).content.decode()

    assert response.url == question_url(2)
    assert f'value="{option.pk}" checked' in back
    assert "1 dari 18 terjawab" in back


def test_previous_and_the_question_list_jump_without_losing_the_answer(browser):
    attempt = start(browser)
    option = wrong_option(items(attempt)[4])

    jumped = browser.post(question_url(5), {"option": option.pk, "go": "12"})
    previous = browser.post(question_url(12), {"action": "prev"})

    assert jumped.url == question_url(12)
    assert previous.url == question_url(11)
    assert items(attempt)[4].chosen_option_id == option.pk


def test_an_option_of_another_question_is_refused_with_a_message(browser):
    attempt = start(browser)
    other = items(attempt)[1].option_order[0]

    response = browser.post(question_url(1), {"option": other, "action": "next"})

    assert response.status_code == 400
    assert "Pilih salah satu jawaban" in response.content.decode()
    assert items(attempt)[0].chosen_option_id is None


def test_the_submit_page_lists_the_unanswered_questions_and_asks_to_confirm(browser):
    attempt = start(browser)
    browser.post(question_url(1), {"option": right_option(items(attempt)[0]).pk})

    page = browser.get(SUBMIT).content.decode()

    assert "17 soal belum dijawab" in page
    assert "Ya, kirim jawaban saya" in page
    assert selectors.get_open_attempt(user=attempt.user) is not None


def test_submitting_shows_the_score_and_what_comes_next(browser, siti):
    attempt = start(browser)
    for item in items(attempt):
        browser.post(question_url(item.position), {"option": right_option(item).pk})

    response = browser.post(SUBMIT, follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == RESULT
    assert "Anda lulus tes" in page
    assert "100 / 100" in page
    assert "gelombang" in page
    assert selectors.has_passed(user=siti)
    assert "sudah lulus" in browser.get(START).content.decode()


def test_a_failed_result_says_when_the_test_can_be_retaken(browser, siti):
    start(browser)

    page = browser.post(SUBMIT, follow=True).content.decode()

    assert "belum lulus" in page
    assert "0 / 100" in page
    assert "Anda dapat mengikuti tes lagi mulai" in page
    assert "Anda dapat mengikuti tes lagi mulai" in browser.get(START).content.decode()
    refused = browser.post(START, follow=True).content.decode()
    assert "Anda dapat mengikuti tes lagi mulai" in refused
    assert Attempt.objects.filter(user=siti).count() == 1


def test_opening_the_test_after_the_deadline_scores_what_was_answered(browser, siti):
    attempt = start(browser)
    for item in items(attempt)[:9]:
        browser.post(question_url(item.position), {"option": right_option(item).pk})
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - dt.timedelta(seconds=1))

    response = browser.get(question_url(10), follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == RESULT
    assert "Waktu habis" in page
    assert "50 / 100" in page
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.EXPIRED


def test_an_answer_sent_after_the_deadline_is_not_counted(browser, siti):
    attempt = start(browser)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - dt.timedelta(seconds=1))

    response = browser.post(
        question_url(1), {"option": right_option(items(attempt)[0]).pk}, follow=True
    )

    assert response.redirect_chain[-1][0] == RESULT
    assert items(attempt)[0].chosen_option_id is None
    attempt.refresh_from_db()
    assert attempt.score == 0


def test_the_pages_need_a_logged_in_participant():
    response = Client().get(question_url(1))

    assert response.status_code == 302
    assert reverse("portal:login") in response.url
