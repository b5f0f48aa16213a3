import datetime as dt
import json

import pytest
from django.db import connection, transaction
from django.utils import timezone

from bekal.notifications.delivery import deliver
from bekal.notifications.models import OutboxMessage
from bekal.notifications.services import queue_sms
from tests.notifications.sms_gateway_stub import StubGateway

TO = "+6281234567890"


@pytest.fixture
def gateway(settings):
    stub = StubGateway()
    settings.BEKAL_SMS_BACKEND = "bekal.notifications.sms.HttpSmsBackend"
    settings.BEKAL_SMS_GATEWAY_URL = stub.url
    settings.BEKAL_SMS_GATEWAY_TIMEOUT = 2
    yield stub
    stub.close()


def jobs(status: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM procrastinate_jobs WHERE status = %s", [status])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_a_queued_sms_through_the_outbox_only_backend(worker):
    queue_sms(to=TO, kind="test", body="Halo dari Bekal")

    worker()

    message = OutboxMessage.objects.get()
    assert message.channel == OutboxMessage.Channel.SMS
    assert message.status == OutboxMessage.Status.SENT
    assert message.gateway_message_id.startswith("outbox-")
    assert message.body == "Halo dari Bekal"


@pytest.mark.django_db(transaction=True)
def test_an_sms_queued_in_a_transaction_that_rolls_back_is_never_sent(worker):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        queue_sms(to=TO, kind="test", body="Halo")
        raise Boom

    worker()

    assert OutboxMessage.objects.count() == 0
    assert jobs("todo") == 0


@pytest.mark.django_db
def test_the_file_backend_writes_the_delivered_sms_as_a_json_line(settings, tmp_path):
    settings.BEKAL_SMS_BACKEND = "bekal.notifications.sms.FileBackend"
    settings.BEKAL_SMS_FILE = tmp_path / "sms.jsonl"
    message = queue_sms(to=TO, kind="test", body="Kode Bekal Anda: 123456")

    deliver(message_id=message.pk)

    (line,) = settings.BEKAL_SMS_FILE.read_text().splitlines()
    written = json.loads(line)
    assert (written["to"], written["body"]) == (TO, "Kode Bekal Anda: 123456")
    message.refresh_from_db()
    assert message.gateway_message_id == written["id"]
    assert message.status == OutboxMessage.Status.SENT


@pytest.mark.django_db
def test_a_real_gateway_gets_the_code_and_the_outbox_keeps_it_blanked_out(gateway):
    message = queue_sms(
        to=TO, kind="phone_verification_code", body="Kode Bekal Anda: 123456.", sensitive=True
    )

    deliver(message_id=message.pk)

    assert gateway.requests[0]["json"]["text"] == "Kode Bekal Anda: 123456."
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.gateway_message_id == "gw-1"
    assert message.body == "Kode Bekal Anda: ••••••."


@pytest.mark.django_db
def test_a_message_without_a_secret_is_kept_as_sent(gateway):
    message = queue_sms(to=TO, kind="test", body="Pengumuman gelombang 12345")

    deliver(message_id=message.pk)

    message.refresh_from_db()
    assert message.body == "Pengumuman gelombang 12345"


@pytest.mark.django_db
def test_a_gateway_outage_keeps_the_sms_queued_with_its_error_for_a_retry(gateway):
    gateway.status = 503
    message = queue_sms(to=TO, kind="test", body="Halo", sensitive=True)

    with pytest.raises(Exception, match="503"):
        deliver(message_id=message.pk)

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.QUEUED
    assert message.attempts == 1
    assert message.last_error == "SmsGatewayUnavailableError: gateway answered 503"
    assert message.body == "Halo"


@pytest.mark.django_db(transaction=True)
def test_an_sms_the_gateway_refuses_is_marked_failed_and_not_retried(gateway, worker):
    gateway.status = 422
    gateway.answer = {"error": "number unreachable"}
    queue_sms(to=TO, kind="test", body="Halo")

    worker()

    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.FAILED
    assert "number unreachable" in message.last_error
    assert len(gateway.requests) == 1
    assert jobs("todo") == 0


@pytest.mark.django_db
def test_a_one_time_code_that_expires_during_an_outage_is_never_sent(gateway):
    # given the gateway is down when an OTP SMS, valid 5 minutes, is first delivered
    gateway.status = 503
    expires = timezone.now() + dt.timedelta(minutes=5)
    message = queue_sms(
        to=TO,
        kind="phone_verification_code",
        body="Kode Bekal: 123456",
        sensitive=True,
        expires_at=expires,
    )
    with pytest.raises(Exception, match="503"):
        deliver(message_id=message.pk)

    # when the gateway is back, but the retry comes after the code expired
    gateway.status = 200
    OutboxMessage.objects.filter(pk=message.pk).update(expires_at=timezone.now())
    deliver(message_id=message.pk)

    # then the person is not sent a dead code: the message is marked expired, code blanked
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.EXPIRED
    assert "123456" not in message.body
    assert len(gateway.requests) == 1  # the failed first attempt only


@pytest.mark.django_db
def test_a_code_sent_by_the_phone_step_expires_with_the_challenge(settings):
    from bekal.accounts.models import PhoneChallenge
    from bekal.accounts.phone_verification import send_phone_code
    from tests.registration.factories import participant

    user = participant()
    send_phone_code(user=user, phone="081234567890")

    challenge = PhoneChallenge.objects.get(user=user)
    message = OutboxMessage.objects.get(user=user, channel="sms")
    assert message.expires_at == challenge.expires_at


@pytest.mark.django_db
def test_the_outbox_keeps_no_readable_phone_number(settings, tmp_path):
    # given an SMS queued and delivered through the file backend
    settings.BEKAL_SMS_BACKEND = "bekal.notifications.sms.FileBackend"
    settings.BEKAL_SMS_FILE = tmp_path / "sms.jsonl"
    message = queue_sms(to=TO, kind="test", body="Halo")
    deliver(message_id=message.pk)

    # then the number reached the gateway, but no column of the outbox holds it readable
    assert json.loads(settings.BEKAL_SMS_FILE.read_text().splitlines()[0])["to"] == TO
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT row_to_json(m)::text FROM notifications_outboxmessage m WHERE id = %s",
            [message.pk],
        )
        (row,) = cursor.fetchone()
    national = "0" + TO[3:]
    assert TO not in row and TO[1:] not in row and national not in row
    assert "0812****7890" in row
