"""What the wave's browser test shares: the programme office's desk, people who can log in
through the form, and the test answered in the browser as a well-prepared person would.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps as django_apps
from django.utils import timezone
from playwright.sync_api import Page, expect

from bekal.accounts.models import User
from bekal.assessment import selectors as assessment
from bekal.assessment import services as assessment_services
from bekal.programmes.selectors import get_scheme_in_force
from tests.assessment.support import items, right_option
from tests.web.accessibility import record_csp_violations

PASSWORD = "Bekal-Tes-2023!"  # every person of this test logs in with it


def load_question_bank() -> None:
    """The shipped question bank (a transactional test's flush removes it)."""
    migration = importlib.import_module("bekal.assessment.migrations.0002_question_bank_v1")
    migration.load_bank(django_apps)


def with_password(user: User) -> User:
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def programme_officer() -> User:
    return User.objects.create_user(
        email="pmo@prakerja.go.id",
        password=PASSWORD,
        full_name="Petugas PMO",
        role="programme_admin",
        email_confirmed_at=timezone.now(),
    )


@contextmanager
def browser_page(chromium: Any, base_url: str, *, desktop: bool = False) -> Iterator[Page]:
    """A page of its own (its own cookies): a phone, or the office's desktop screen."""
    viewport = {"width": 1280, "height": 900} if desktop else {"width": 360, "height": 740}
    context = chromium.new_context(
        base_url=base_url, viewport=viewport, locale="id-ID", timezone_id="Asia/Jakarta"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    violations = record_csp_violations(page)
    try:
        yield page
    finally:
        context.close()
    assert violations == [], "the Content-Security-Policy blocked:\n" + "\n".join(violations)


def log_in(page: Page, user: User) -> None:
    """Log in through the form, as anybody does."""
    page.goto("/masuk/")
    page.get_by_label("Alamat email").fill(user.email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def local(moment: dt.datetime) -> str:
    """A moment as a datetime-local field takes it (Jakarta time, to the minute)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def create_wave(office: Page, *, number: int, national_quota: int) -> None:
    """Fill the office's "new wave" form: open since an hour ago, for three days."""
    now = timezone.now()
    office.goto("/kantor/gelombang/")
    office.get_by_label("Nomor gelombang").fill(str(number))
    office.get_by_label("Nama", exact=True).fill(f"Gelombang {number}")
    office.get_by_label("Dibuka pada").fill(local(now - dt.timedelta(hours=1)))
    office.get_by_label("Ditutup pada").fill(local(now + dt.timedelta(days=3)))
    office.get_by_label("Hasil diumumkan pada").fill(local(now + dt.timedelta(days=4)))
    office.get_by_label("Kuota nasional").fill(str(national_quota))
    office.get_by_role("button", name="Buat gelombang").click()
    expect(office.get_by_role("heading", level=1)).to_have_text(f"Gelombang {number}")


def office_step(office: Page, button: str, *, says: str, then_run_status: str) -> None:
    """Press one of the wave page's next-step buttons; the page says what it did and
    shows the run's new status."""
    office.get_by_role("button", name=button, exact=True).click()
    expect(office.get_by_role("status")).to_contain_text(says)
    expect(office.locator(".run-status")).to_have_text(then_run_status)


def pass_the_test(page: Page, user: User) -> None:
    """From the home page: start the test and give the right (or best) answer to each
    question, read from the attempt the server drew, then submit."""
    page.get_by_role("link", name="Berikutnya: Tes").click()
    page.get_by_role("button", name="Mulai tes").click()
    drawn = items(assessment.get_open_attempt(user=user))
    for item in drawn:
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Soal {item.position} dari {len(drawn)}"
        )
        page.get_by_label(right_option(item).text, exact=True).check()
        last = item.position == len(drawn)
        page.get_by_role("button", name="Selesai" if last else "Berikutnya", exact=True).click()
    page.get_by_role("button", name="Ya, kirim jawaban saya").click()
    expect(page.get_by_text("Selamat, Anda lulus tes.")).to_be_visible()


def has_passed_the_test(user: User) -> User:
    """The test taken and passed with every answer right, through the services (what
    `pass_the_test` does in the browser, without a page per question)."""
    scheme = get_scheme_in_force()
    attempt = assessment_services.start_attempt(
        user=user,
        question_count=scheme.test_question_count,
        duration_minutes=scheme.test_duration_minutes,
        pass_mark=scheme.test_pass_mark,
    )
    for item in items(attempt):
        assessment_services.answer_question(
            attempt=attempt, position=item.position, option_id=right_option(item).pk
        )
    assert assessment_services.submit_attempt(attempt=attempt).passed
    return user
