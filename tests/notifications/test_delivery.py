import pytest
from django.core import mail
from django.db import connection, transaction

from bekal.accounts import services
from bekal.notifications.models import OutboxMessage
from bekal.notifications.services import queue_email

pytestmark = pytest.mark.django_db(transaction=True)


def make_retries_due():
    """Skip the retry back-off: the retry is due now."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET scheduled_at = now() WHERE status = 'todo'")


def test_the_worker_delivers_the_confirmation_email_queued_by_the_sign_up(worker):
    services.sign_up(full_name="Siti Aminah", email="siti@contoh.id", password="kopi-tubruk-2020")

    worker()

    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.SENT
    assert message.sent_at is not None
    assert [m.to for m in mail.outbox] == [["siti@contoh.id"]]
    assert "/konfirmasi/" in mail.outbox[0].body


def test_a_sign_up_that_rolls_back_queues_no_email_and_no_job(worker):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        services.sign_up(full_name="Siti", email="siti@contoh.id", password="kopi-tubruk-2020")
        raise Boom

    worker()

    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


def test_a_failed_delivery_is_kept_with_its_error_and_retried(worker, settings):
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.FailOnceBackend"
    queue_email(to="siti@contoh.id", kind="test", subject="Halo", body="Isi")

    worker()

    failed = OutboxMessage.objects.get()
    assert failed.status == OutboxMessage.Status.QUEUED
    assert failed.last_error == "ConnectionError: SMTP server unavailable"
    assert mail.outbox == []

    make_retries_due()
    worker()

    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 2
    assert len(mail.outbox) == 1


def test_delivering_twice_sends_once(worker):
    from bekal.notifications.delivery import deliver

    message = queue_email(to="siti@contoh.id", kind="test", subject="Halo", body="Isi")
    worker()

    assert deliver(message_id=message.pk) is None
    assert len(mail.outbox) == 1
