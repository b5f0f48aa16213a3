"""Opening a wave tells everyone who passed the test and is not in a wave, once, by email,
in batches through the real worker."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from bekal.accounts.models import User
from bekal.assessment import services as assessment
from bekal.notifications.models import OutboxMessage
from bekal.programmes import services
from bekal.programmes.models import WaveApplication, WaveOpeningAnnouncement
from bekal.programmes.services import wave_notices
from tests.assessment.support import items, person, right_option, wrong_option
from tests.programmes.factories import wave

LINK = "https://bekal.example/gelombang/"


def load_question_bank() -> None:
    """The shipped question bank (a transactional test's flush removes it)."""
    migration = importlib.import_module("bekal.assessment.migrations.0002_question_bank_v1")
    migration.load_bank(apps)


def took_the_test(user: User, *, passed: bool) -> User:
    attempt = assessment.start_attempt(user=user)
    for item in items(attempt):
        option = right_option(item) if passed else wrong_option(item)
        assessment.answer_question(attempt=attempt, position=item.position, option_id=option.pk)
    assessment.submit_attempt(attempt=attempt)
    return user


def told(number: int) -> list[OutboxMessage]:
    return list(
        OutboxMessage.objects.filter(kind="wave_open", subject__contains=f"Gelombang {number}")
    )


def open_draft(number: int, *, link: str | None = LINK):
    draft = wave(number, open_now=False)
    return services.open_wave(wave=draft, actor=None, waves_link=link)


@pytest.mark.django_db(transaction=True)
def test_opening_a_wave_emails_who_passed_and_is_not_in_a_wave_once_in_batches(worker, monkeypatch):
    # given five people who passed the test, one who failed, one already waiting in an
    # open wave and one not selected in an earlier wave, told in batches of 2
    load_question_bank()
    monkeypatch.setattr(wave_notices, "WAVE_OPEN_BATCH_SIZE", 2)
    passed = [took_the_test(person(f"lulus{n}@contoh.id"), passed=True) for n in range(5)]
    failed = took_the_test(person("gagal@contoh.id"), passed=False)
    waiting = took_the_test(person("menunggu@contoh.id"), passed=True)
    left_out = took_the_test(person("tidakterpilih@contoh.id"), passed=True)
    earlier = wave(1)
    WaveApplication.objects.create(
        wave=earlier, user=waiting, regency_id="17.71", joined_at=earlier.opens_at
    )
    WaveApplication.objects.create(
        wave=wave(2, open_now=False),
        user=left_out,
        regency_id="17.71",
        joined_at=earlier.opens_at,
        selected=False,
    )

    # when wave 3 opens and the worker works through the batches
    opened = open_draft(3)
    worker()

    # then each of the five and the one not selected before got one email, in
    # Indonesian, with the link to join; nobody else did
    emails = told(3)
    assert sorted(m.recipient for m in emails) == sorted(
        [u.email for u in passed] + [left_out.email]
    )
    assert failed.email not in {m.recipient for m in emails}
    first = emails[0]
    assert first.subject == "Gelombang 3 sudah dibuka: ikuti sekarang"
    assert "Anda lulus tes" in first.body
    assert LINK in first.body
    assert first.status == OutboxMessage.Status.SENT
    announcement = WaveOpeningAnnouncement.objects.get(wave=opened)
    assert announcement.finished_at is not None
    assert announcement.told == 6

    # and starting again tells nobody twice
    wave_notices.start_wave_opening_notices(wave=opened, waves_link=LINK)
    wave_notices.tell_wave_open_batch(wave_id=opened.pk, after=0)
    worker()
    assert len(told(3)) == 6


@pytest.mark.django_db(transaction=True)
def test_a_batch_done_twice_tells_nobody_twice(worker):
    load_question_bank()
    someone = took_the_test(person("lulus@contoh.id"), passed=True)
    opened = open_draft(1)

    # the first batch delivered twice (a worker that died after its work)
    wave_notices.tell_wave_open_batch(wave_id=opened.pk, after=0)
    wave_notices.tell_wave_open_batch(wave_id=opened.pk, after=0)
    worker()

    assert [m.recipient for m in told(1)] == [someone.email]


@pytest.mark.django_db(transaction=True)
def test_whoever_joins_a_wave_before_their_batch_is_not_told(worker):
    load_question_bank()
    first, second = (took_the_test(person(f"p{n}@contoh.id"), passed=True) for n in (1, 2))
    earlier = wave(1)
    open_draft(2)
    WaveApplication.objects.create(
        wave=earlier, user=first, regency_id="17.71", joined_at=earlier.opens_at
    )

    worker()

    assert [m.recipient for m in told(2)] == [second.email]


@pytest.mark.django_db(transaction=True)
def test_opening_without_a_link_tells_nobody(worker):
    load_question_bank()
    took_the_test(person("lulus@contoh.id"), passed=True)

    open_draft(1, link=None)
    worker()

    assert told(1) == []
    assert not WaveOpeningAnnouncement.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_english_speaker_is_told_in_english(worker):
    load_question_bank()
    someone = person("english@contoh.id")
    someone.language = "en"
    someone.save(update_fields=["language"])
    took_the_test(someone, passed=True)

    open_draft(1)
    worker()

    [email] = OutboxMessage.objects.filter(kind="wave_open")
    assert email.subject == "Gelombang 1 is open: join it now"
