"""The worker reuses its SMTP connection across emails, against a real SMTP server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bekal.notifications import smtp_connections
from bekal.notifications.models import OutboxMessage
from bekal.notifications.services import queue_email
from bench.smtp_sink import SmtpSink

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sink(settings: Any) -> Iterator[SmtpSink]:
    """An SMTP server on loopback, and Bekal configured to send to it."""
    server = SmtpSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    yield server
    smtp_connections.close_all()
    server.stop()


def queue(count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        queue_email(to=f"peserta{n}@contoh.id", kind="test", subject=f"Halo {n}", body="Isi")


def recipients(sink: SmtpSink) -> list[str]:
    return sorted(to for _sender, rcpt, _data in sink.messages for to in rcpt)


def test_a_worker_sends_its_emails_over_one_connection(sink, worker):
    queue(5)

    worker()

    assert recipients(sink) == [f"peserta{n}@contoh.id" for n in range(5)]
    assert sink.connections == 1
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_a_connection_carries_at_most_the_configured_number_of_emails(sink, worker, settings):
    settings.BEKAL_SMTP_MESSAGES_PER_CONNECTION = 2
    queue(5)

    worker()

    assert len(sink.messages) == 5
    assert sink.connections == 3


def test_one_connection_per_email_when_so_configured(sink, worker, settings):
    settings.BEKAL_SMTP_MESSAGES_PER_CONNECTION = 1
    queue(3)

    worker()

    assert len(sink.messages) == 3
    assert sink.connections == 3


def test_a_connection_the_server_dropped_is_replaced_without_losing_an_email(sink, worker):
    queue(2)
    worker()
    sink.drop_connections()  # as a server does with an idle connection

    queue(2, start=2)
    worker()

    assert recipients(sink) == [f"peserta{n}@contoh.id" for n in range(4)]
    assert sink.connections == 2
    sent = OutboxMessage.objects.filter(status="sent")
    assert sent.count() == 4
    assert set(sent.values_list("last_error", flat=True)) == {""}
    assert set(sent.values_list("attempts", flat=True)) == {1}
