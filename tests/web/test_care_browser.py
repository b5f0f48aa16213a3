"""Care tickets in the browser: a citizen opens a ticket with an attachment, an officer of
their region answers and waits on them, the citizen replies by SMS through the gateway's
signed call, and an officer of another region can neither list nor open the ticket."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Page, expect

from bekal.accounts.models import User
from bekal.care.models import Ticket
from bekal.care.sms_replies import gateway_signature
from bekal.notifications.models import OutboxMessage
from bekal.regions.models import Regency
from tests.care.support import use_tmp_care_storage
from tests.identity.documents_support import jpeg, use_tmp_document_storage
from tests.programmes.factories import registrant
from tests.web.accessibility import expect_accessible
from tests.web.journey_support import keep_screenshot
from tests.web.wave_support import PASSWORD, browser_page, log_in, with_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def empty_queue():
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_periodic_defers")
        cursor.execute("DELETE FROM procrastinate_jobs")


@pytest.fixture(autouse=True)
def storages(settings, tmp_path):
    use_tmp_document_storage(settings, tmp_path)
    use_tmp_care_storage(settings, tmp_path)


def officer(email: str, regency_code: str) -> User:
    return User.objects.create_user(
        email=email,
        password=PASSWORD,
        full_name=f"Petugas {regency_code}",
        role=User.Role.REGIONAL_OFFICER,
        region=Regency.objects.get(code=regency_code),
        email_confirmed_at=timezone.now(),
    )


def send_sms_reply(base_url: str, *, sender: str, text: str, message_id: str) -> httpx.Response:
    """The SMS gateway forwarding a reply, signed with the shared secret."""
    body = json.dumps({"id": message_id, "from": sender, "text": text}).encode()
    timestamp = str(int(time.time()))
    path = "/api/sms/balasan/"
    return httpx.post(
        base_url + path,
        content=body,
        headers={
            "Content-Type": "application/json",
            "X-Bekal-Timestamp": timestamp,
            "X-Bekal-Signature": gateway_signature(
                secret=django_settings.BEKAL_SMS_INBOUND_SECRET,
                path=path,
                timestamp=timestamp,
                body=body,
            ),
        },
    )


def test_a_citizen_opens_a_ticket_an_officer_of_the_region_answers_and_the_reply_comes_by_sms(
    page: Page, chromium, live_server, tmp_path: Path
):
    # Given Peserta 1 of Kota Bengkulu, with 0812 3456 0001 verified, and two officers
    citizen = with_password(registrant(1))
    bengkulu = officer("disnaker.kotabengkulu@contoh.id", "17.71")
    bandung = officer("disnaker.kotabandung@contoh.id", "32.73")

    # When she opens a ticket at /bantuan/ with a photo of her receipt
    log_in(page, citizen)
    page.get_by_role("link", name="Bantuan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bantuan")
    expect(page.get_by_text("Anda belum punya tiket.")).to_be_visible()
    expect_accessible(page, "help, no ticket")
    page.get_by_role("link", name="Buka tiket baru").click()
    expect_accessible(page, "new ticket")
    page.get_by_label("Tentang apa?").select_option(label="Pengaduan")
    page.get_by_label("Pesan Anda").fill("Saya tidak menerima email hasil seleksi gelombang 1.")
    receipt = tmp_path / "bukti.jpg"
    receipt.write_bytes(jpeg(seed=5))
    page.get_by_label("Lampiran (tidak wajib)").set_input_files(receipt)
    keep_screenshot(page, "care-new-ticket")
    page.get_by_role("button", name="Kirim").click()

    # Then she reads her ticket, waiting for a first answer, with its region's name
    ticket = Ticket.objects.get(citizen=citizen)
    expect(page.get_by_text(f"Tiket {ticket.reference} Anda sudah terkirim")).to_be_visible()
    expect(page.get_by_test_id("ticket-state")).to_have_text("Menunggu jawaban pertama")
    expect(page.get_by_text("Dinas Tenaga Kerja Kota Bengkulu", exact=False)).to_be_visible()
    expect(page.get_by_role("link", name="Lampiran 1")).to_be_visible()
    expect_accessible(page, "citizen's ticket, new")
    keep_screenshot(page, "care-citizen-ticket-new")

    with browser_page(chromium, live_server.url, desktop=True) as office:
        # An officer of another region sees no ticket and cannot open hers
        log_in(office, bandung)
        office.goto("/kantor/tiket/")
        expect(office.get_by_test_id("ticket-queue")).to_contain_text("Tidak ada tiket.")
        response = office.goto(f"/kantor/tiket/{ticket.reference}/")
        assert response is not None and response.status == 404
        expect(office.get_by_text("Tidak ada tiket dengan nomor ini")).to_be_visible()

    with browser_page(chromium, live_server.url, desktop=True) as office:
        # The officer of Kota Bengkulu finds it in the queue, with the time left
        log_in(office, bengkulu)
        office.goto("/kantor/")
        office.get_by_role("link", name="Tiket bantuan").click()
        row = office.get_by_test_id("ticket-queue").get_by_role("row").nth(1)
        expect(row).to_contain_text(ticket.reference)
        expect(row).to_contain_text("Kota Bengkulu", ignore_case=True)
        expect(row).to_contain_text("untuk jawaban pertama")
        expect_accessible(office, "ticket queue")
        keep_screenshot(office, "care-office-queue")
        row.get_by_role("link", name=ticket.reference).click()
        expect(office.get_by_test_id("messages")).to_contain_text("email hasil seleksi")
        expect_accessible(office, "office ticket page")

        # and asks her for the email address she registered with: the clock pauses
        office.get_by_label("Pesan", exact=True).fill(
            "Mohon balas dengan alamat email yang Anda pakai saat mendaftar."
        )
        office.get_by_label("Tanyakan kepada warga; waktu berhenti sampai warga membalas").check()
        office.get_by_role("button", name="Simpan").click()
        expect(office.get_by_test_id("ticket-state")).to_have_text("Menunggu balasan warga")
        expect(office.get_by_test_id("ticket-clock")).to_contain_text("Dihentikan")
        keep_screenshot(office, "care-office-ticket-waiting")

        # She is told by SMS, with the reference to reply with
        sms = OutboxMessage.objects.get(user=citizen, kind="care_ticket_answered")
        assert ticket.reference in sms.body and sms.body.startswith("Bekal: petugas")

        # When she replies by SMS from her phone (the gateway forwards it, signed)
        answer = send_sms_reply(
            live_server.url,
            sender="0812 3456 0001",
            text=f"{ticket.reference} email saya peserta1@contoh.id",
            message_id="gw-0001",
        )
        assert answer.status_code == 200 and answer.json() == {"outcome": "matched"}
        again = send_sms_reply(
            live_server.url,
            sender="0812 3456 0001",
            text=f"{ticket.reference} email saya peserta1@contoh.id",
            message_id="gw-0001",
        )
        assert again.json() == {"outcome": "matched"}  # the gateway's retry: one reply

        # Then the officer reads it, marked as an SMS, and the clock runs again
        office.reload()
        expect(office.get_by_test_id("messages")).to_contain_text("email saya peserta1@contoh.id")
        expect(office.get_by_test_id("messages")).to_contain_text("SMS")
        expect(office.get_by_test_id("ticket-state")).to_have_text("Sedang ditangani")
        assert ticket.messages.filter(channel="sms").count() == 1

    # and so does she, on her ticket's page
    page.goto(f"/bantuan/{ticket.reference}/")
    expect(page.get_by_test_id("messages")).to_contain_text("Mohon balas dengan alamat email")
    expect(page.get_by_test_id("messages")).to_contain_text("email saya peserta1@contoh.id")
    expect(page.get_by_test_id("ticket-state")).to_have_text("Sedang ditangani")
    expect_accessible(page, "citizen's ticket, answered")
    keep_screenshot(page, "care-citizen-ticket-answered")


def test_a_forwarded_sms_without_a_valid_signature_is_refused_and_changes_nothing(live_server):
    response = httpx.post(
        live_server.url + "/api/sms/balasan/",
        content=b'{"id": "x", "from": "081234560001", "text": "ABCDEF halo"}',
        headers={"X-Bekal-Timestamp": str(int(time.time())), "X-Bekal-Signature": "0" * 64},
    )
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_signature"}


def test_an_officer_opens_a_ticket_from_a_phone_call(page: Page, live_server):
    bengkulu = officer("disnaker.kotabengkulu@contoh.id", "17.71")
    log_in(page, bengkulu)
    page.goto("/kantor/tiket/baru/?saluran=phone")
    expect_accessible(page, "office new ticket")
    page.get_by_label("Tentang apa?").select_option(label="Perlu pemeriksaan lapangan")
    page.get_by_label("Yang ditanyakan atau dilaporkan warga").fill(
        "Penelepon melaporkan lembaga pelatihan luring di Selebar tidak pernah buka."
    )
    keep_screenshot(page, "care-office-new-ticket")
    page.get_by_role("button", name="Buka tiket").click()

    opened = Ticket.objects.get()
    expect(page.get_by_text(f"Tiket {opened.reference} dibuka.")).to_be_visible()
    assert (opened.channel, opened.category, opened.region_id) == (
        "phone",
        "field_check",
        bengkulu.region_id,
    )
    expect(page.get_by_test_id("ticket-clock")).to_contain_text(re.compile("hari kerja"))


def test_the_programme_office_picks_one_regions_queue(page: Page, live_server):
    from tests.care.factories import citizen, ticket
    from tests.web.wave_support import programme_officer

    ticket(citizen("a@contoh.id"), region="17.71")
    bandung = ticket(citizen("b@contoh.id"), region="32.73")
    log_in(page, programme_officer())
    page.goto("/kantor/tiket/")
    expect(page.get_by_test_id("ticket-queue").get_by_role("row")).to_have_count(3)
    page.get_by_label("Kabupaten/kota").select_option(label="Kota Bandung (1)")
    page.get_by_role("button", name="Tampilkan").click()
    rows = page.get_by_test_id("ticket-queue").get_by_role("row")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text(bandung.reference)
    expect_accessible(page, "programme office queue, one region")
    keep_screenshot(page, "care-office-queue-region")


def test_the_demo_simulates_the_gateway_forwarding_a_reply(live_server, settings):
    from io import StringIO

    from django.core.management import call_command

    from tests.care.factories import ticket

    settings.BEKAL_DEV_OUTBOX = True
    person = registrant(1)
    opened = ticket(person)
    out = StringIO()

    call_command(
        "simulate_sms_reply", person.email, f"{opened.reference} terima kasih",
        url=live_server.url, stdout=out,
    )  # fmt: skip

    assert out.getvalue().strip() == '200 {"outcome": "matched"}'
    assert opened.messages.filter(channel="sms").get().body.endswith("terima kasih")


def test_an_officer_finds_the_citizen_by_their_verified_mobile_number(page: Page, live_server):
    person = registrant(1)  # 0812 3456 0001 verified
    log_in(page, officer("disnaker.kotabengkulu@contoh.id", "17.71"))
    page.goto("/kantor/tiket/baru/")
    label = "Alamat email atau nomor ponsel warga (tidak wajib)"
    page.get_by_label(label).fill("0812 9999 0000")
    page.get_by_label("Tentang apa?").select_option(label="Pengaduan")
    page.get_by_label("Yang ditanyakan atau dilaporkan warga").fill(
        "Warga datang ke meja: saldo kartunya belum masuk."
    )
    page.get_by_role("button", name="Buka tiket").click()
    expect(page.get_by_text("Tidak ada akun peserta dengan alamat email").first).to_be_visible()
    expect_accessible(page, "office new ticket, citizen not found")

    page.get_by_label(label).fill("0812 3456 0001")
    page.get_by_role("button", name="Buka tiket").click()
    assert Ticket.objects.get().citizen == person
