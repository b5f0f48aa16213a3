"""Browser tests: Debian's Chromium driven by Playwright against a live Bekal server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.registration.conftest import empty_queue, registry_file  # noqa: F401  (fixtures)
from tests.web.accessibility import record_csp_violations

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    # The desk's camera (getUserMedia): Chromium's fake camera, allowed without a prompt.
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]


# Package scope: Playwright runs an event loop in the main thread while the browser is
# open, which would stop later tests elsewhere from using async_to_sync.
@pytest.fixture(scope="package")
def chromium() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is required for browser tests: apt-get install chromium")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test
    # itself makes (reading the outbox, running the worker) are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any, live_server: Any, settings: Any) -> Iterator[Any]:
    """A phone-sized page (360x740, a cheap Android phone) on the live server. Any page it
    shows that breaks the Content-Security-Policy fails the test."""
    settings.SITE_URL = live_server.url  # links in emails and SMS point at this server
    context = chromium.new_context(
        base_url=live_server.url,
        viewport={"width": 360, "height": 740},
        locale="id-ID",
        timezone_id="Asia/Jakarta",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    violations = record_csp_violations(page)
    yield page
    context.close()
    assert violations == [], "the Content-Security-Policy blocked:\n" + "\n".join(violations)
