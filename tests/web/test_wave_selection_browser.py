"""Issue 4's acceptance, in browsers: the office opens a wave and commits a seed; two
registrants pass the test and join; the office closes, runs, reviews and publishes; the
selected one accepts her card and sees its balance, the other sees she moves on."""

from __future__ import annotations

import hashlib
import re

import pytest
from playwright.sync_api import Locator, Page, expect

from bekal.selection.selectors import get_published_outcome
from tests.identity.documents_support import use_tmp_document_storage
from tests.programmes.factories import registrant
from tests.web.journey_support import keep_screenshot
from tests.web.wave_support import (
    browser_page,
    create_wave,
    has_passed_the_test,
    load_question_bank,
    log_in,
    office_step,
    pass_the_test,
    programme_officer,
    with_password,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAVE = 7


def join_the_wave(page: Page) -> None:
    page.goto("/gelombang/")
    page.get_by_role("button", name=f"Gabung gelombang {WAVE}").click()
    expect(page.get_by_role("status")).to_contain_text(f"gelombang {WAVE}")


def wave_card(page: Page) -> Locator:
    page.goto("/gelombang/")
    return page.locator(f"[data-wave='{WAVE}']")


def test_a_wave_from_its_opening_to_an_active_card_and_a_carry_over(
    page: Page, chromium, live_server, registry_file, worker, settings, tmp_path
):
    # Given two registrants of Kota Bengkulu whose registration is complete (the second
    # has already passed the test), the shipped question bank, and a programme officer
    use_tmp_document_storage(settings, tmp_path)
    load_question_bank()
    people = [with_password(registrant(1)), has_passed_the_test(with_password(registrant(2)))]
    officer = programme_officer()

    with (
        browser_page(chromium, live_server.url, desktop=True) as office,
        browser_page(chromium, live_server.url) as second_phone,
    ):
        phones = dict(zip((p.pk for p in people), (page, second_phone), strict=True))

        # When the office creates wave 7 with a national quota of 1, opens it and commits
        # the seed of its lottery
        log_in(office, officer)
        expect(office).to_have_url(re.compile(r"/kantor/$"))
        create_wave(office, number=WAVE, national_quota=1)
        office.get_by_role("button", name="Buka gelombang").click()
        expect(office.locator(".wave-status")).to_have_text("Dibuka")
        office_step(
            office,
            "Kunci benih undian",
            says="sudah dikunci: hash-nya tampil di bawah",
            then_run_status="Benih dikunci",
        )

        # Then the seed's hash is published, the seed itself is not
        expect(office.locator("code.seed-hash")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
        seed_hash = office.locator("code.seed-hash").inner_text()
        expect(office.get_by_role("rowheader", name="Benih", exact=True)).to_have_count(0)

        # When the first registrant logs in on her phone, passes the test and joins the
        # wave, and the second logs in and joins it too
        first, second = people
        log_in(page, first)
        pass_the_test(page, first)
        join_the_wave(page)
        log_in(second_phone, second)
        join_the_wave(second_phone)

        # Then each sees that she is in the wave, waiting for the results
        for phone in phones.values():
            expect(wave_card(phone)).to_contain_text("Anda terdaftar di gelombang ini.")

        # When the office closes the wave, runs the selection and confirms the review
        office.reload()
        expect(office.get_by_role("row", name="Pendaftar gelombang")).to_contain_text("2")
        office.get_by_role("button", name="Tutup gelombang").click()
        expect(office.locator(".wave-status")).to_have_text("Ditutup")
        office.get_by_role("button", name="Jalankan seleksi", exact=True).click()
        expect(office.get_by_role("status")).to_have_text(
            "Seleksi sedang berjalan di latar belakang."
        )
        expect(office.locator(".run-status")).to_have_text("Sedang berjalan di latar belakang")
        worker()  # the selection job
        office.reload()
        expect(office.locator(".run-status")).to_have_text("Sudah diundi")
        office_step(
            office,
            "Konfirmasi pemeriksaan",
            says="sudah dikonfirmasi. Berikutnya, umumkan hasilnya.",
            then_run_status="Sudah diperiksa",
        )

        # Then nobody sees a result before it is published
        for phone in phones.values():
            card = wave_card(phone)
            expect(card).to_contain_text("Anda terdaftar di gelombang ini.")
            expect(card).not_to_contain_text("terpilih")

        # When the office publishes the results, and the announcement jobs run
        office.get_by_role("button", name="Umumkan hasil", exact=True).click()
        expect(office.get_by_role("status")).to_have_text(
            "Hasil sedang diumumkan di latar belakang."
        )
        expect(office.locator(".run-status")).to_have_text("Sedang diumumkan di latar belakang")
        worker()  # the publication, then the announcement's batches
        office.reload()
        expect(office.locator(".run-status")).to_have_text("Diumumkan")

        # Then the office's page shows one selected, and reveals the seed behind the hash
        expect(office.get_by_text("Sudah diumumkan.")).to_be_visible()
        expect(office.get_by_text("Nasional: 1")).to_be_visible()
        seed_row = office.locator(
            "tr", has=office.get_by_role("rowheader", name="Benih", exact=True)
        )
        seed = seed_row.locator("code").inner_text()
        assert hashlib.sha256(bytes.fromhex(seed)).hexdigest() == seed_hash
        keep_screenshot(office, "wave-published-office")

        # (which of the two the lottery drew depends on the seed: ask the database)
        outcomes = {p.pk: get_published_outcome(user=p) for p in people}
        chosen = [p for p in people if outcomes[p.pk] is not None]
        assert len(chosen) == 1, "a national quota of 1 selects exactly one of two"
        selected, not_selected = chosen[0], next(p for p in people if p not in chosen)
        winner, other = phones[selected.pk], phones[not_selected.pk]

        # Then the selected registrant reads her result on her home page and her waves
        winner.goto("/")
        wave_step = winner.locator("ol.steps > li[data-step='wave']")
        expect(wave_step).to_contain_text(f"Terpilih di gelombang {WAVE}.")
        expect(wave_step.locator(".state")).to_have_text("Selesai")
        card = wave_card(winner)
        expect(card).to_contain_text("Anda terpilih.")

        # When she opens her card, reads the terms and accepts them
        card.get_by_role("link", name="Lihat kartu Anda").click()
        expect(winner.get_by_text(f"Anda lolos seleksi gelombang {WAVE}.")).to_be_visible()
        expect(winner.get_by_test_id("card-terms").locator("li").first).to_be_visible()
        winner.get_by_label("Saya sudah membaca dan menyetujui syarat kartu.").check()
        winner.get_by_role("button", name="Setujui dan aktifkan kartu saya").click()

        # Then her card is active, with a 16-digit number and the 2023 scheme's balance
        expect(winner.get_by_role("status")).to_have_text("Kartu Anda sudah aktif.")
        expect(winner.get_by_test_id("card-number")).to_have_text(
            re.compile(r"^\d{4} \d{4} \d{4} \d{4}$")
        )
        expect(winner.get_by_test_id("card-balance")).to_have_text("Rp 3.500.000")
        keep_screenshot(winner, "wave-card-active")

        # And the other registrant reads that she moves to the next wave by herself
        other.goto("/")
        expect(other.locator("ol.steps > li[data-step='wave']")).to_contain_text(
            f"Belum terpilih di gelombang {WAVE}: Anda otomatis diikutkan ke gelombang berikutnya"
        )
        expect(wave_card(other)).to_contain_text("otomatis diikutkan ke gelombang berikutnya")
        other.goto("/kartu/")
        expect(other.get_by_test_id("card-state")).to_contain_text(
            f"Anda belum lolos seleksi di gelombang {WAVE}."
        )
        keep_screenshot(other, "wave-carried-over")

        # And each was told her result by email
        office.goto("/dev/outbox/")
        for person, kind in (
            (selected, "selection_result_selected"),
            (not_selected, "selection_result_not_selected"),
        ):
            message = office.locator(
                f"article.outbox-message[data-kind='{kind}'][data-recipient='{person.email}']"
            )
            expect(message).to_have_count(1)
