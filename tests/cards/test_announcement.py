"""Announcing a published run: one email and one SMS per person, once."""

from __future__ import annotations

import pytest

from bekal.cards import services
from bekal.cards.errors import ResultsNotPublishedError
from bekal.cards.models import Card
from bekal.cards.numbers import is_valid_card_number
from bekal.notifications.models import OutboxMessage
from tests.cards.factories import announce, give_phone, published_run

pytestmark = pytest.mark.django_db


def messages_of(user, channel):
    return list(OutboxMessage.objects.filter(user=user, channel=channel))


def test_each_person_gets_one_email_and_one_sms_with_their_result():
    # given a published run with one selected and one not selected, both with a phone
    published = published_run(selected=1, not_selected=1)
    [chosen], [left] = published.selected, published.not_selected
    give_phone(chosen, "+6281234560001")
    give_phone(left, "+6281234560002")

    # when the results are announced
    announce(published.run)

    # then the selected is told to accept the card terms at /kartu/, in Indonesian
    [email] = messages_of(chosen, "email")
    [sms] = messages_of(chosen, "sms")
    assert email.recipient == chosen.email
    assert email.kind == sms.kind == "selection_result_selected"
    assert "/kartu/" in email.body and "/kartu/" in sms.body
    assert sms.address == "+6281234560001"
    assert f"gelombang {published.run.wave.number}" in sms.body.lower()
    # and the not selected is told they move to the next wave
    [email] = messages_of(left, "email")
    [sms] = messages_of(left, "sms")
    assert email.kind == sms.kind == "selection_result_not_selected"
    assert "gelombang berikutnya" in sms.body
    assert "gelombang berikutnya" in email.body


def test_a_person_without_a_verified_phone_gets_the_email_only():
    published = published_run(selected=1)

    announce(published.run)

    [chosen] = published.selected
    assert len(messages_of(chosen, "email")) == 1
    assert messages_of(chosen, "sms") == []


def test_the_email_is_written_in_the_person_s_language():
    published = published_run(selected=1)
    [chosen] = published.selected
    chosen.language = "en"
    chosen.save(update_fields=["language"])

    announce(published.run)

    [email] = messages_of(chosen, "email")
    assert "You were selected" in email.subject


def test_the_selected_are_offered_a_card_and_the_not_selected_are_not():
    published = published_run(selected=2, not_selected=1)

    announce(published.run)

    cards = list(Card.objects.all())
    assert {c.user_id for c in cards} == {u.pk for u in published.selected}
    assert {c.status for c in cards} == {Card.Status.OFFERED}
    assert all(is_valid_card_number(c.number) for c in cards)
    assert cards[0].number != cards[1].number


def test_announcing_twice_tells_everyone_once():
    # given a run already announced
    published = published_run(selected=2, not_selected=2)
    for n, user in enumerate(published.selected + published.not_selected):
        give_phone(user, f"+62812345600{n + 10}")
    announce(published.run, size=3)

    # when the announcement is started again and a batch job is delivered again
    services.announce_results(run=published.run)
    services.announce_batch(run_id=published.run.pk, after=0, size=10)
    announce(published.run)

    # then each person has one email and one SMS, and each selected one card
    assert OutboxMessage.objects.filter(channel="email").count() == 4
    assert OutboxMessage.objects.filter(channel="sms").count() == 4
    assert Card.objects.count() == 2
    assert published.run.announcement.announced == 4


def test_announcing_before_publication_is_refused_and_tells_nobody():
    published = published_run(selected=1, publish_it=False)

    with pytest.raises(ResultsNotPublishedError):
        services.announce_results(run=published.run)

    assert OutboxMessage.objects.count() == 0
    assert Card.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_announcement_job_works_through_a_large_run_in_batches(worker, settings, monkeypatch):
    # given a published run of 7 people, announced in batches of 3 by the real worker
    monkeypatch.setattr(services, "ANNOUNCE_BATCH_SIZE", 3)
    published = published_run(selected=3, not_selected=4)

    # when the announcement starts (twice) and the worker runs the job chain
    services.announce_results(run=published.run)
    services.announce_results(run=published.run)
    worker()

    # then everyone got exactly one email, the selected have their card offered
    published.run.announcement.refresh_from_db()
    assert published.run.announcement.finished_at is not None
    assert published.run.announcement.announced == 7
    emails = OutboxMessage.objects.filter(channel="email")
    assert sorted(emails.values_list("user_id", flat=True)) == sorted(
        u.pk for u in published.selected + published.not_selected
    )
    assert Card.objects.filter(status="offered").count() == 3
