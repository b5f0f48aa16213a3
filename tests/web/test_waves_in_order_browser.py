"""The office cannot run a wave while another wave's results are unpublished, and reads
why on the wave page, in Indonesian."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from procrastinate.contrib.django.models import ProcrastinateJob

from bekal.selection import services
from tests.programmes.factories import ensure_shipped_schemes
from tests.selection.factories import Person, admin, close, join, wave
from tests.web.journey_support import keep_screenshot
from tests.web.wave_support import browser_page, log_in, programme_officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_running_a_wave_while_an_earlier_wave_is_unpublished_is_refused_on_the_page(
    chromium, live_server
):
    # Given wave A run but not yet published, and wave B closed with its seed committed
    ensure_shipped_schemes()
    officer = programme_officer()
    first, first_run = wave(national_quota=5)
    second, second_run = wave(national_quota=5)
    join(first, [Person() for _ in range(3)])
    join(second, [Person() for _ in range(3)])
    close(first)
    services.run_selection(run=first_run, actor=admin())
    close(second)

    with browser_page(chromium, live_server.url, desktop=True) as office:
        # When the office opens wave B's page and asks to run its selection
        log_in(office, officer)
        expect(office).to_have_url(re.compile(r"/kantor/$"))
        office.goto(f"/kantor/gelombang/{second.number}/")
        office.get_by_role("button", name="Jalankan seleksi", exact=True).click()

        # Then the page says, in Indonesian, which wave to publish first; nothing is queued
        expect(office.get_by_role("status")).to_have_text(
            f"Hasil seleksi gelombang {first.number} belum diumumkan. Umumkan dulu sebelum "
            "menjalankan seleksi gelombang ini: aturan hanya menghitung seleksi yang sudah "
            "diumumkan, agar tidak ada yang terpilih dua kali dan tidak ada keluarga yang "
            "mendapat tempat lebih dari haknya."
        )
        expect(office.locator(".run-status")).to_have_text("Benih dikunci")
        keep_screenshot(office, "wave-refused-out-of-order")
    assert not ProcrastinateJob.objects.filter(
        task_name="selection.run_requested_selection", args={"run_id": second_run.pk}
    ).exists()
