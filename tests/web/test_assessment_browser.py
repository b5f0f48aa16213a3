"""The test in a phone's browser: start, answer every question, submit, see the result."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import Page, expect

from bekal.assessment import selectors
from tests.assessment.support import complete_registration, items, right_option
from tests.identity.documents_support import use_tmp_document_storage
from tests.registration.factories import participant
from tests.web.journey_support import keep_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_as(page: Page, user, base_url: str) -> None:
    """Log in by giving the browser the session cookie of a logged-in test client."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
    )


def test_a_registrant_takes_the_test_and_sees_that_she_passed(
    page: Page, live_server, registry_file, settings, tmp_path
):
    # Given Siti, whose registration is complete, and the shipped question bank
    importlib.import_module("bekal.assessment.migrations.0002_question_bank_v1").load_bank(
        django_apps
    )
    use_tmp_document_storage(settings, tmp_path)
    siti = complete_registration(participant())
    log_in_as(page, siti, live_server.url)

    # When she reads the start page and starts the test
    page.goto("/tes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tes motivasi dan kemampuan dasar")
    expect(page.get_by_text("Waktu Anda 15 menit")).to_be_visible()
    expect(page.get_by_text("kertas dan pensil")).to_be_visible()
    page.get_by_role("button", name="Mulai tes").click()

    # Then she answers the 18 questions, one a page, with the clock running
    attempt = selectors.get_open_attempt(user=siti)
    drawn = items(attempt)
    for item in drawn:
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Soal {item.position} dari {len(drawn)}"
        )
        expect(page.get_by_role("timer")).to_contain_text("Sisa waktu")
        page.get_by_label(right_option(item).text, exact=True).check()
        if item.position == 1:
            keep_screenshot(page, "assessment-question")
        last = item.position == len(drawn)
        page.get_by_role("button", name="Selesai" if last else "Berikutnya", exact=True).click()

    # And confirms on the submit page
    expect(page.get_by_text("Anda sudah menjawab semua 18 soal.")).to_be_visible()
    page.get_by_role("button", name="Ya, kirim jawaban saya").click()

    # Then she sees that she passed, her score, and that a wave comes next
    expect(page.get_by_role("heading", level=1)).to_have_text("Hasil tes Anda")
    expect(page.get_by_text("Selamat, Anda lulus tes.")).to_be_visible()
    expect(page.get_by_text("100 / 100")).to_be_visible()
    expect(page.get_by_text("bergabung dengan gelombang")).to_be_visible()
    keep_screenshot(page, "assessment-result")
    assert selectors.has_passed(user=siti)
