"""The office cancels an abandoned wave's selection from the wave page, in Indonesian, and
the later wave it was blocking can then be run."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from procrastinate.contrib.django.models import ProcrastinateJob

from bekal.selection import proof_log, services
from bekal.selection.models import SelectionRun
from tests.programmes.factories import ensure_shipped_schemes
from tests.selection.factories import Person, admin, close, join, wave
from tests.web.accessibility import expect_accessible
from tests.web.journey_support import keep_screenshot
from tests.web.wave_support import browser_page, log_in, programme_officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_cancels_an_abandoned_selection_and_runs_the_next_wave(chromium, live_server):
    # Given wave A closed with its seed committed and abandoned, and wave B after it
    ensure_shipped_schemes()
    officer = programme_officer()
    first, first_run = wave(national_quota=5)
    second, second_run = wave(national_quota=5)
    join(first, [Person() for _ in range(2)])
    join(second, [Person() for _ in range(2)])
    close(first)
    close(second)

    with browser_page(chromium, live_server.url, desktop=True) as office:
        log_in(office, officer)
        expect(office).to_have_url(re.compile(r"/kantor/$"))
        office.goto(f"/kantor/gelombang/{first.number}/")
        expect_accessible(office, "wave page with a cancellable selection")

        # When the office cancels A's selection without a reason, then with one
        cancel = office.get_by_role("button", name="Batalkan seleksi", exact=True)
        expect(cancel).to_be_visible()
        cancel.click()  # the browser asks for the reason first (required)
        expect(office.locator(".run-status")).to_have_text("Benih dikunci")
        office.get_by_label("Mengapa dibatalkan?").fill("Kuota gelombang salah ketik")
        keep_screenshot(office, "wave-cancel-form")
        cancel.click()

        # Then the page says so in Indonesian, and the button is gone
        expect(office.get_by_role("status")).to_have_text(
            f"Seleksi {first.name} dibatalkan dan dicatat di log bukti. Gelombang "
            "berikutnya dapat dijalankan."
        )
        expect(office.locator(".run-status")).to_have_text("Dibatalkan")
        expect(office.locator(".run-cancelled")).to_contain_text("tercatat di log bukti")
        expect(office.get_by_role("button", name="Batalkan seleksi")).to_have_count(0)
        expect_accessible(office, "wave page of a cancelled selection")
        keep_screenshot(office, "wave-cancelled")

        # And the wave's public page shows the cancellation among its entries in the log
        office.goto(f"/gelombang/{first.number}/")
        expect(office.locator("[data-kind='run_cancelled']")).to_contain_text(
            "Seleksi dibatalkan sebelum diumumkan"
        )
        expect(office.get_by_test_id("results-state")).to_have_text(
            "Dibatalkan sebelum diumumkan: gelombang ini tidak mendapat seleksi. "
            "Pembatalannya tercatat di log bukti di bawah; benih tetap rahasia."
        )
        expect_accessible(office, "public page of a cancelled wave")
        keep_screenshot(office, "wave-public-cancelled")

        # And wave B's selection can now be asked for
        office.goto(f"/kantor/gelombang/{second.number}/")
        office.get_by_role("button", name="Jalankan seleksi", exact=True).click()
        expect(office.get_by_role("status")).to_have_text(
            "Seleksi sedang berjalan di latar belakang."
        )

    first_run.refresh_from_db()
    assert first_run.status == SelectionRun.Status.CANCELLED
    assert first_run.cancel_reason == "Kuota gelombang salah ketik"
    assert proof_log.get_head().kind == "run_cancelled"
    assert ProcrastinateJob.objects.filter(
        task_name="selection.run_requested_selection", args={"run_id": second_run.pk}
    ).exists()


def test_a_published_selection_offers_no_cancel_button(chromium, live_server):
    ensure_shipped_schemes()
    officer = programme_officer()
    w, run = wave(national_quota=2)
    join(w, [Person()])
    close(w)
    run = services.run_selection(run=run, actor=admin())
    services.publish_run(run=services.review_run(run=run, actor=admin()), actor=admin())

    with browser_page(chromium, live_server.url, desktop=True) as office:
        log_in(office, officer)
        expect(office).to_have_url(re.compile(r"/kantor/$"))
        office.goto(f"/kantor/gelombang/{w.number}/")
        expect(office.locator(".run-status")).to_have_text("Diumumkan")
        expect(office.get_by_role("button", name="Batalkan seleksi")).to_have_count(0)
