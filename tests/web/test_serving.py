"""Bekal served as production serves it, in every settings: DEBUG off, static files by
WhiteNoise under cache-busted names, compressed responses, its own error pages in
Indonesian, a favicon, and a strict Content-Security-Policy on every page."""

from __future__ import annotations

import gzip
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import path

from config import urls as site_urls

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("a bug")


# The site's own URLs, plus one view that fails as a bug would.
urlpatterns = [path("rusak/", _boom), *site_urls.urlpatterns]


def _stylesheet(html: str) -> str:
    found = re.search(
        r'<link rel="stylesheet" href="(/static/bekal/site\.[0-9a-f]{12}\.css)"', html
    )
    assert found, "the page links no cache-busted stylesheet"
    return found.group(1)


def test_debug_is_off_unless_asked_for():
    assert settings.DEBUG is False


def test_every_page_carries_a_strict_content_security_policy(client):
    response = client.get("/masuk/")

    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_a_page_links_its_css_by_a_cache_busted_name_served_compressed_and_cached_long(
    live_server,
):
    browser = Client()
    html = browser.get("/masuk/").content.decode()
    css_url = _stylesheet(html)

    import httpx

    css = httpx.get(live_server.url + css_url, headers={"Accept-Encoding": "gzip"})

    assert css.status_code == 200
    assert css.headers["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in css.headers["Cache-Control"]
    assert ".error-summary" in css.text  # httpx decoded it: the real stylesheet


def test_pages_are_sent_compressed_and_a_citizen_page_weighs_under_30_kb(client):
    response = client.get("/pelatihan/", headers={"accept-encoding": "gzip"})

    assert response["Content-Encoding"] == "gzip"
    page = gzip.decompress(response.content)
    assert b"<h1>Pelatihan</h1>" in page
    assert len(response.content) < 30 * 1024


def test_the_favicon_is_a_real_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # the ICO header
    assert len(body) < 8 * 1024


def test_an_unknown_address_gets_bekals_own_404_in_indonesian(client):
    response = client.get("/tidak-ada/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Halaman tidak ditemukan" in html
    assert "Bekal" in html and "URLconf" not in html  # not Django's debug page
    _stylesheet(html)


@pytest.mark.urls("tests.web.test_serving")
def test_a_bug_gets_bekals_own_500_in_indonesian_without_touching_the_database(
    django_assert_num_queries,
):
    browser = Client(raise_request_exception=False)

    with django_assert_num_queries(0):
        response = browser.get("/rusak/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Terjadi kesalahan" in html
    assert "Traceback" not in html and "RuntimeError" not in html
    assert len(html) < 3 * 1024


def test_a_form_sent_without_its_csrf_token_gets_an_indonesian_page(client):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/masuk/", {"username": "a@b.id", "password": "x"})

    assert response.status_code == 403
    assert "Halaman sudah kedaluwarsa" in response.content.decode()


def test_a_request_bekal_cannot_read_gets_a_400_in_indonesian(client):
    too_many_fields = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}

    response = client.post("/masuk/", too_many_fields)

    assert response.status_code == 400
    assert "Permintaan tidak dapat dibaca" in response.content.decode()
