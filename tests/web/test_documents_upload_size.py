"""Photos shrink before they travel: the documents page on a phone on 3G.

The page shrinks a chosen photo in the browser (long side 1,600 px, JPEG) before it is
sent, refuses a file over the limit at once, and the server refuses a body over the
form's limit from its Content-Length, before reading it. Without JavaScript the original
photo is sent, as before.
"""

from __future__ import annotations

import io
import socket
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from PIL import Image
from playwright.sync_api import Page, expect

from bekal.accounts.models import User
from bekal.identity.models import IdentityDocument
from tests.identity.documents_support import photo, use_tmp_document_storage
from tests.registration.factories import participant
from tests.web.journey_support import keep_screenshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

#: Chrome's "3G" preset: 562.5 ms latency, 1.44 Mbit/s down, 675 kbit/s up.
THREE_G = {
    "offline": False,
    "latency": 562.5,
    "downloadThroughput": 1_440_000 / 8,
    "uploadThroughput": 675_000 / 8,
}
KTP_FIELD = "Ambil atau pilih foto KTP Anda"


def camera_photo(path: Path, *, seed: int, size: tuple[int, int] = (4000, 3000)) -> Path:
    """A 12-megapixel photo as a phone camera saves it: about 6 MB of JPEG, sensor grain."""
    grain = Image.effect_noise(size, 44).convert("RGB")
    image = Image.blend(photo(seed, size), grain, 0.25)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    path.write_bytes(out.getvalue())
    return path


def session_cookie(user: User, base_url: str) -> dict[str, Any]:
    client = Client()
    client.force_login(user)
    name = django_settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value, "url": base_url}


def on_3g(page: Page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", THREE_G)


@pytest.fixture
def siti(settings: Any, tmp_path: Path, page: Page, live_server: Any) -> User:
    """Siti, logged in on her phone, with a documents storage of this test's own."""
    use_tmp_document_storage(settings, tmp_path)
    user = participant()
    page.context.add_cookies([session_cookie(user, live_server.url)])
    return user


def test_a_six_megabyte_photo_reaches_the_server_as_a_few_hundred_kilobytes(page, siti, tmp_path):
    original = camera_photo(tmp_path / "IMG_20260812_101500.jpg", seed=3)
    assert original.stat().st_size > 6_000_000
    on_3g(page)
    page.goto("/dokumen/")

    started = time.monotonic()
    page.get_by_label(KTP_FIELD).set_input_files(original)
    expect(page.get_by_text("Foto siap dikirim.")).to_be_visible()
    prepared = time.monotonic()
    page.get_by_role("button", name="Unggah").click()
    expect(page.get_by_text("Foto KTP tersimpan.")).to_be_visible(timeout=60_000)
    uploaded = time.monotonic()
    # A function, not a string: the page's Content-Security-Policy forbids eval.
    page.wait_for_function("() => document.querySelector('img.doc-thumb').naturalWidth > 0")
    keep_screenshot(page, "documents-shrunk-on-3g")

    [document] = IdentityDocument.objects.filter(owner=siti)
    received = document.original_byte_size
    print(
        f"\n6 MB photo on 3G: {original.stat().st_size / 1e6:.1f} MB chosen, "
        f"{received / 1e3:.0f} KB received ({document.width}x{document.height}); "
        f"prepared in {prepared - started:.1f} s, sent in {uploaded - prepared:.1f} s"
    )
    assert received < 600 * 1024
    assert document.original_format == "JPEG"
    assert max(document.width, document.height) == 1600


def test_a_thirty_megabyte_file_is_refused_in_the_browser_before_anything_is_sent(
    page, siti, tmp_path
):
    huge = tmp_path / "IMG_huge.jpg"
    camera_photo(huge, seed=4)
    with huge.open("ab") as padded:  # what a camera app's 30 MB file weighs
        padded.write(b"\0" * (30 * 1024 * 1024 - huge.stat().st_size))
    on_3g(page)
    page.goto("/dokumen/")
    posts: list[str] = []
    page.on(
        "request", lambda request: posts.append(request.url) if request.method == "POST" else None
    )

    started = time.monotonic()
    page.get_by_label(KTP_FIELD).set_input_files(huge)
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("lebih besar dari 10 MB")
    refused_after = time.monotonic() - started
    keep_screenshot(page, "documents-refused-in-browser")

    print(f"\n30 MB file on 3G: refused in the browser after {refused_after:.2f} s")
    assert refused_after < 2.0  # the acceptance: refused in under 2 seconds
    assert page.get_by_label(KTP_FIELD).input_value() == ""  # nothing left to send
    assert posts == []
    assert not IdentityDocument.objects.exists()


@pytest.fixture
def no_script_page(chromium: Any, live_server: Any, settings: Any, tmp_path: Path) -> Any:
    """Siti's phone with JavaScript switched off, logged in."""
    use_tmp_document_storage(settings, tmp_path)
    siti = participant()
    context = chromium.new_context(
        base_url=live_server.url,
        viewport={"width": 360, "height": 740},
        locale="id-ID",
        java_script_enabled=False,
    )
    context.set_default_timeout(30_000)
    context.add_cookies([session_cookie(siti, live_server.url)])
    yield context.new_page()
    context.close()


def test_without_javascript_the_original_photo_is_sent_as_before(no_script_page, tmp_path):
    page = no_script_page
    original = tmp_path / "ktp.jpg"
    photo(5, (1200, 900)).save(original, "JPEG", quality=90)

    page.goto("/dokumen/")
    page.get_by_label(KTP_FIELD).set_input_files(original)
    page.get_by_role("button", name="Unggah").click()

    expect(page.get_by_text("Foto KTP tersimpan.")).to_be_visible()
    [document] = IdentityDocument.objects.all()
    assert document.original_byte_size == original.stat().st_size
    assert (document.width, document.height) == (1200, 900)


def test_without_javascript_a_thirty_megabyte_file_gets_a_clear_page(no_script_page, tmp_path):
    page = no_script_page
    huge = tmp_path / "IMG_huge.jpg"
    camera_photo(huge, seed=6)
    with huge.open("ab") as padded:
        padded.write(b"\0" * (30 * 1024 * 1024 - huge.stat().st_size))

    page.goto("/dokumen/")
    page.get_by_label(KTP_FIELD).set_input_files(huge)
    with page.expect_response("**/dokumen/") as answer:
        page.get_by_role("button", name="Unggah").click()

    assert answer.value.status == 413
    expect(page.get_by_role("heading", level=1)).to_have_text("Foto terlalu besar")
    expect(page.get_by_role("alert")).to_contain_text("paling banyak 20 MB")
    keep_screenshot(page, "documents-too-large-without-javascript")
    page.get_by_role("link", name="Kembali ke foto").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Foto KTP dan swafoto")
    assert not IdentityDocument.objects.exists()


def test_the_server_refuses_an_oversized_body_from_its_content_length_without_reading_it(
    live_server, settings, tmp_path
):
    use_tmp_document_storage(settings, tmp_path)
    siti = participant()
    cookie = session_cookie(siti, live_server.url)
    address = urlsplit(live_server.url)
    declared = 30 * 1024 * 1024
    head = (
        "POST /dokumen/ HTTP/1.1\r\n"
        f"Host: {address.netloc}\r\n"
        f"Cookie: {cookie['name']}={cookie['value']}\r\n"
        "Content-Type: multipart/form-data; boundary=batas\r\n"
        f"Content-Length: {declared}\r\n\r\n"
    ).encode()
    first_part = (
        b'--batas\r\nContent-Disposition: form-data; name="ktp_photo"; filename="a.jpg"\r\n'
    )

    with socket.create_connection((address.hostname, address.port), timeout=30) as connection:
        connection.sendall(head + first_part + b"\0" * 65_536)  # 64 KB of the 30 MB
        answer = b""
        while b"</html>" not in answer:
            chunk = connection.recv(65_536)
            if not chunk:
                break
            answer += chunk

    status_line, _, rest = answer.partition(b"\r\n")
    text = rest.decode()
    assert status_line == b"HTTP/1.1 413 Request Entity Too Large"
    assert "Foto terlalu besar" in text
    assert "paling banyak 20 MB" in text
    assert not IdentityDocument.objects.exists()
