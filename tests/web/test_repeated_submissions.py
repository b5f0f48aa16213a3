"""Every form that creates something, sent several times at once over real HTTP.

A double tap on a slow phone, a retrying proxy or two tabs of the same page send the
same form again before the first answer arrives. Each test opens the form as a person
does (its own CSRF cookie), then fires the posts at the same moment from several
threads against the live server, and checks what the person would then see: no error
page (never a 5xx), every answer leading on, and exactly one effect (one row, one
email, one SMS, one card, one purchase, one ledger posting).
"""

from __future__ import annotations

import re
import threading
from html import unescape
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings as django_settings
from django.test import Client

from bekal.accounts.models import PhoneChallenge, User, VerifiedPhone
from bekal.accounts.phone_verification import send_phone_code
from bekal.assessment import services as assessment
from bekal.assessment.models import Attempt
from bekal.cards.models import Card
from bekal.cards.terms import TERMS_VERSION
from bekal.core.models import AuditEvent
from bekal.identity.models import IdentityDocument
from bekal.ledger.models import Transaction
from bekal.marketplace.models import Format, Purchase
from bekal.notifications.models import OutboxMessage
from bekal.programmes.models import WaveApplication
from bekal.registration.declaration import DECLARATION_VERSION
from bekal.registration.models import Declaration, IdentityCheck, Profile
from tests.assessment.support import items, right_option
from tests.cards.factories import published_run
from tests.identity.documents_support import jpeg, use_tmp_document_storage
from tests.marketplace.factories import card_holder, course
from tests.programmes.factories import registrant, wave
from tests.registration.factories import (
    identity_jobs,
    participant,
    profile_form,
    submit,
)
from tests.web.wave_support import load_question_bank

pytestmark = pytest.mark.django_db(transaction=True)

#: How many times each form is sent at once.
TIMES = 4
_HIDDEN = re.compile(r"<input\b[^>]*>", re.I)
_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


class Tab:
    """One browser tab: its cookies (a session, or none), the pages it opened."""

    def __init__(self, base_url: str, cookies: dict[str, str] | None = None) -> None:
        self.http = httpx.Client(
            base_url=base_url, cookies=cookies or {}, follow_redirects=False, timeout=120
        )

    def open_form(self, path: str) -> dict[str, str]:
        """GET the page and return the hidden fields of its forms (the CSRF token first)."""
        page = self.http.get(path)
        assert page.status_code == 200, (path, page.status_code)
        fields: dict[str, str] = {}
        for tag in _HIDDEN.findall(page.text):
            attributes = dict(_ATTRIBUTE.findall(tag))
            if attributes.get("type") == "hidden" and "name" in attributes:
                fields.setdefault(attributes["name"], unescape(attributes.get("value", "")))
        assert "csrfmiddlewaretoken" in fields, path
        return fields


def signed_in(user: User) -> dict[str, str]:
    """The session cookie of `user`, logged in (how they logged in is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    name = django_settings.SESSION_COOKIE_NAME
    return {name: client.cookies[name].value}


def at_once(tabs: list[Tab], path: str, forms: list[dict[str, Any]], **extra: Any) -> list[Any]:
    """POST forms[i] from tabs[i], all released at the same moment; the answers."""
    barrier = threading.Barrier(len(tabs))
    answers: list[Any] = [None] * len(tabs)

    def post(i: int) -> None:
        barrier.wait()
        try:
            answers[i] = tabs[i].http.post(path, data=forms[i], **extra)
        except Exception as exc:  # a dropped connection is an answer too
            answers[i] = exc

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(tabs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return answers


def fire(
    base_url: str, path: str, data: dict[str, Any], *, user: User | None, form_path: str = ""
) -> list[httpx.Response]:
    """Open the form in TIMES tabs (of one person, or of nobody) and send it from all at once."""
    cookies = signed_in(user) if user is not None else None
    tabs = [Tab(base_url, cookies) for _ in range(TIMES)]
    forms = [{**tab.open_form(form_path or path), **data} for tab in tabs]
    return at_once(tabs, path, forms)


def assert_all_lead_to(answers: list[Any], location: str) -> None:
    """No error: every post was answered with the redirect a single post gets."""
    statuses = [a.status_code if isinstance(a, httpx.Response) else repr(a) for a in answers]
    assert statuses == [302] * len(answers), statuses
    assert {a.headers["location"] for a in answers} == {location}


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


@pytest.fixture
def documents_folder(settings: Any, tmp_path: Path) -> Path:
    return use_tmp_document_storage(settings, tmp_path)


@pytest.fixture
def base(live_server: Any, settings: Any) -> str:
    settings.SITE_URL = live_server.url
    return str(live_server.url)


# --- the account ----------------------------------------------------------------------


def test_signing_up_four_times_at_once_creates_one_account_and_one_email(base):
    typed = {"full_name": "Siti Aminah", "email": "siti@contoh.id", "password": "kopi-tubruk-2020"}

    answers = fire(base, "/daftar/", typed, user=None)

    assert_all_lead_to(answers, "/daftar/cek-email/")
    assert User.objects.filter(email="siti@contoh.id").count() == 1
    assert events("account.signed_up") == 1
    assert OutboxMessage.objects.filter(kind="account_confirmation").count() == 1
    # The same person tapping twice is not told that "someone" used their address.
    assert not OutboxMessage.objects.filter(kind="account_exists").exists()


def test_four_people_signing_up_with_one_address_at_once_all_see_the_same_page(base):
    tabs = [Tab(base) for _ in range(TIMES)]
    forms = [
        {
            **tab.open_form("/daftar/"),
            "full_name": f"Orang {n}",
            "email": "rebutan@contoh.id",
            "password": f"kata-sandi-ke-{n}-yang-panjang",
        }
        for n, tab in enumerate(tabs)
    ]

    answers = at_once(tabs, "/daftar/", forms)

    assert_all_lead_to(answers, "/daftar/cek-email/")
    assert User.objects.filter(email="rebutan@contoh.id").count() == 1
    assert OutboxMessage.objects.filter(kind="account_confirmation").count() == 1
    # The owner hears of the other three tries (nothing told to them on the page).
    assert OutboxMessage.objects.filter(kind="account_exists").count() == TIMES - 1


# --- the registration -----------------------------------------------------------------


def test_the_profile_sent_four_times_at_once_is_saved_and_checked_once(base):
    siti = participant()

    answers = fire(base, "/pendaftaran/profil/", profile_form(), user=siti)

    assert_all_lead_to(answers, "/pendaftaran/verifikasi-nik/")
    assert Profile.objects.filter(user=siti).count() == 1
    check = IdentityCheck.objects.get(profile__user=siti)
    assert len(identity_jobs(check.pk)) == 1
    assert events("registration.profile_submitted") == 1


def test_both_photos_sent_four_times_at_once_are_stored_once_each(base, documents_folder):
    siti = participant()
    cookies = signed_in(siti)
    tabs = [Tab(base, cookies) for _ in range(TIMES)]
    forms = [tab.open_form("/dokumen/") for tab in tabs]
    photos = {
        "ktp_photo": ("ktp.jpg", jpeg(seed=7), "image/jpeg"),
        "selfie_with_ktp": ("swafoto.jpg", jpeg(seed=8), "image/jpeg"),
    }

    answers = at_once(tabs, "/dokumen/", forms, files=photos)

    assert_all_lead_to(answers, "/dokumen/")
    stored = IdentityDocument.objects.filter(owner=siti)
    assert sorted(stored.values_list("kind", flat=True)) == ["ktp_photo", "selfie_with_ktp"]
    assert events("identity.document_uploaded") == 2
    files = [p for p in documents_folder.rglob("*") if p.is_file()]
    assert len(files) == 2, files  # no orphan file of the repeated posts


def test_the_phone_number_sent_four_times_at_once_gets_one_sms(base):
    siti = participant()

    answers = fire(base, "/ponsel/", {"phone": "0812 3456 7890"}, user=siti)

    assert_all_lead_to(answers, "/ponsel/kode/")
    assert PhoneChallenge.objects.filter(user=siti).count() == 1
    assert OutboxMessage.objects.filter(channel="sms", user=siti).count() == 1


def test_the_right_code_sent_four_times_at_once_verifies_the_number_once(base):
    siti = participant()
    send_phone_code(user=siti, phone="0812 3456 7890")
    sms = OutboxMessage.objects.get(channel="sms", user=siti)
    code = re.search(r"\b(\d{6})\b", sms.body).group(1)

    answers = fire(base, "/ponsel/kode/", {"code": code}, user=siti)

    assert_all_lead_to(answers, "/ponsel/terverifikasi/")
    assert VerifiedPhone.objects.filter(user=siti).count() == 1
    assert events("phone.verified") == 1


def test_the_declaration_signed_four_times_at_once_is_recorded_once(base):
    siti = participant()
    submit(siti)

    answers = fire(
        base,
        "/pendaftaran/pernyataan/",
        {"version": DECLARATION_VERSION, "accept": "on"},
        user=siti,
    )

    assert_all_lead_to(answers, "/")
    assert Declaration.objects.filter(user=siti).count() == 1
    assert events("registration.declaration_signed") == 1


# --- the test, the wave, the card, the training -------------------------------------------


@pytest.fixture
def ready(registry_file: Any, documents_folder: Path) -> User:
    """A registrant with a complete registration, and the shipped question bank."""
    load_question_bank()
    return registrant(1)


def test_starting_the_test_four_times_at_once_opens_one_attempt(base, ready):
    answers = fire(base, "/tes/", {}, user=ready)

    assert_all_lead_to(answers, "/tes/soal/1/")
    assert Attempt.objects.filter(user=ready).count() == 1
    assert events("assessment.attempt_started") == 1


def test_an_answer_and_the_submission_sent_four_times_at_once_count_once(base, ready):
    attempt = assessment.start_attempt(user=ready)
    first = items(attempt)[0]
    chosen = str(right_option(first).pk)

    answered = fire(base, "/tes/soal/1/", {"option": chosen, "action": "next"}, user=ready)
    submitted = fire(base, "/tes/kirim/", {}, user=ready)

    assert_all_lead_to(answered, "/tes/soal/2/")
    assert_all_lead_to(submitted, "/tes/hasil/")
    first.refresh_from_db()
    assert str(first.chosen_option_id) == chosen
    attempt.refresh_from_db()
    assert attempt.status != Attempt.Status.OPEN
    assert Attempt.objects.filter(user=ready).count() == 1
    assert events("assessment.attempt_submitted") == 1


def test_joining_a_wave_four_times_at_once_joins_once(base, ready):
    attempt = assessment.start_attempt(user=ready, pass_mark=0)
    Attempt.objects.filter(pk=attempt.pk).update(pass_mark=0)
    assessment.submit_attempt(attempt=attempt)
    open_wave = wave(12)

    answers = fire(
        base, f"/gelombang/{open_wave.number}/gabung/", {}, user=ready, form_path="/gelombang/"
    )

    assert_all_lead_to(answers, "/")
    assert WaveApplication.objects.filter(user=ready).count() == 1
    assert events("programmes.wave_joined") == 1


def test_accepting_the_card_four_times_at_once_funds_it_once(base):
    [person] = published_run(selected=1).selected

    answers = fire(
        base,
        "/kartu/setujui/",
        {"terms_version": TERMS_VERSION, "agree": "on"},
        user=person,
        form_path="/kartu/",
    )

    assert_all_lead_to(answers, "/kartu/")
    [card] = Card.objects.filter(user=person)
    assert card.status == Card.Status.ACTIVE
    assert Transaction.objects.filter(kind="card_opening").count() == 1
    assert OutboxMessage.objects.filter(user=person, kind="card_active").count() == 1


def test_buying_a_course_four_times_at_once_from_one_page_buys_once(base):
    person, _card = card_holder()
    training = course(format=Format.SELF_PACED, price=400_000)
    cookies = signed_in(person)
    opened = Tab(base, cookies)
    page = opened.open_form(f"/pelatihan/{training.pk}/")
    # The same page (its cookies, its form) sent again and again.
    tabs = [Tab(base, dict(opened.http.cookies)) for _ in range(TIMES)]

    answers = at_once(tabs, f"/pelatihan/{training.pk}/beli/", [page] * TIMES)

    [purchase] = Purchase.objects.filter(user=person)
    assert_all_lead_to(answers, f"/kartu/pelatihan/{purchase.pk}/")
    assert Transaction.objects.filter(kind="training_purchase").count() == 1
    assert OutboxMessage.objects.filter(user=person, kind="training_voucher").count() == 1
