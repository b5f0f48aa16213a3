"""A person meets the waiting room on a phone, waits without touching anything, is let
in by the page's own refresh, and signs up."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from playwright.sync_api import expect

from tests.web.journey_support import keep_screenshot
from tests.web.test_waiting_room import busy_elsewhere

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def empty_room_afterwards() -> Iterator[None]:
    """The counters are no model's table: the flush between tests leaves them as they are."""
    yield
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE portal_waiting_room_line, portal_waiting_room_process")


def test_a_person_waits_in_line_is_let_in_by_the_refresh_and_signs_up(
    page: Any, settings: Any
) -> None:
    settings.BEKAL_WAITING_ROOM_CAPACITY = 1
    settings.BEKAL_WAITING_ROOM_HOLD_SECONDS = 600
    settings.BEKAL_WAITING_ROOM_RETRY_SECONDS = 2
    settings.BEKAL_WAITING_ROOM_PATHS = ["/daftar/"]
    busy_elsewhere(1)

    response = page.goto("/daftar/")

    assert response.headers["retry-after"] == "2"
    expect(page.get_by_role("heading", level=1)).to_have_text("Anda sedang dalam antrean")
    expect(page.locator(".place")).to_contain_text("Posisi Anda dalam antrean: 1")
    expect(page.locator("main")).to_contain_text("Anda berikutnya.")
    # The page's own stylesheet arrived (the place number is set large and blue).
    expect(page.locator(".place strong")).to_have_css("color", "rgb(11, 92, 173)")
    keep_screenshot(page, "waiting-room")

    busy_elsewhere(0)  # the other server's request is done: the page lets itself in

    expect(page.get_by_role("heading", level=1)).to_have_text("Buat akun")
    page.get_by_label("Nama lengkap (sesuai KTP)").fill("Siti Aminah")
    page.get_by_label("Alamat email").fill("siti.aminah@contoh.id")
    page.get_by_label("Kata sandi").fill("kopi-tubruk-2020")
    busy_elsewhere(5)  # full again while she types: her admission still holds
    page.get_by_role("button", name="Buat akun").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cek email Anda")
