import io
import json

import pytest

from bekal.notifications.sms import (
    ConsoleBackend,
    FileBackend,
    HttpSmsBackend,
    OutboxOnlyBackend,
    SmsGatewayUnavailableError,
    SmsRejectedError,
    count_segments,
    get_backend,
    gsm7_length,
)
from tests.notifications.sms_gateway_stub import StubGateway

TO = "+6281234567890"


@pytest.fixture
def gateway():
    stub = StubGateway()
    yield stub
    stub.close()


def test_the_outbox_only_backend_sends_nothing_and_gives_an_id():
    message_id = OutboxOnlyBackend().send(to=TO, body="Halo")

    assert message_id.startswith("outbox-")
    assert OutboxOnlyBackend.delivers_outside is False


def test_the_console_backend_prints_the_message():
    stream = io.StringIO()

    ConsoleBackend(stream=stream).send(to=TO, body="Kode Bekal Anda: 123456")

    assert TO in stream.getvalue()
    assert "Kode Bekal Anda: 123456" in stream.getvalue()


def test_the_file_backend_appends_one_json_line_per_message(tmp_path, settings):
    settings.BEKAL_SMS_FILE = tmp_path / "sms" / "messages.jsonl"
    backend = FileBackend()

    first = backend.send(to=TO, body="Satu")
    backend.send(to=TO, body="Dua\nbaris")

    lines = settings.BEKAL_SMS_FILE.read_text().splitlines()
    assert [json.loads(line)["body"] for line in lines] == ["Satu", "Dua\nbaris"]
    assert json.loads(lines[0])["id"] == first
    assert json.loads(lines[0])["to"] == TO


def test_the_backend_is_chosen_by_settings(settings):
    assert isinstance(get_backend(), OutboxOnlyBackend)

    settings.BEKAL_SMS_BACKEND = "bekal.notifications.sms.ConsoleBackend"

    assert isinstance(get_backend(), ConsoleBackend)


def test_a_setting_that_names_no_sms_backend_is_refused(settings):
    settings.BEKAL_SMS_BACKEND = "io.StringIO"

    with pytest.raises(TypeError):
        get_backend()


def test_the_http_backend_posts_json_with_the_key_and_returns_the_gateway_id(gateway):
    backend = HttpSmsBackend(url=gateway.url, api_key="rahasia", sender="BEKAL")

    message_id = backend.send(to=TO, body="Kode Bekal Anda: 123456")

    assert message_id == "gw-1"
    (request,) = gateway.requests
    assert request["path"] == "/v1/messages"
    assert request["headers"]["Authorization"] == "Bearer rahasia"
    assert request["json"] == {"to": TO, "text": "Kode Bekal Anda: 123456", "sender": "BEKAL"}


def test_the_http_backend_reads_its_settings(gateway, settings):
    settings.BEKAL_SMS_BACKEND = "bekal.notifications.sms.HttpSmsBackend"
    settings.BEKAL_SMS_GATEWAY_URL = gateway.url
    settings.BEKAL_SMS_GATEWAY_API_KEY = "kunci"

    get_backend().send(to=TO, body="Halo")

    assert gateway.requests[0]["headers"]["Authorization"] == "Bearer kunci"


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_gateway_that_is_down_or_busy_is_retried_later(gateway, status):
    gateway.status = status

    with pytest.raises(SmsGatewayUnavailableError):
        HttpSmsBackend(url=gateway.url).send(to=TO, body="Halo")


def test_a_gateway_that_does_not_answer_in_time_is_retried_later(gateway):
    gateway.delay = 0.5

    with pytest.raises(SmsGatewayUnavailableError):
        HttpSmsBackend(url=gateway.url, timeout=0.1).send(to=TO, body="Halo")


def test_a_gateway_that_cannot_be_reached_is_retried_later(gateway):
    url = gateway.url
    gateway.close()

    with pytest.raises(SmsGatewayUnavailableError):
        HttpSmsBackend(url=url, timeout=0.5).send(to=TO, body="Halo")


def test_a_message_the_gateway_refuses_is_not_retried(gateway):
    gateway.status = 400
    gateway.answer = {"error": "invalid number"}

    with pytest.raises(SmsRejectedError, match="invalid number"):
        HttpSmsBackend(url=gateway.url).send(to=TO, body="Halo")


def test_segments_are_counted_as_the_network_bills_them():
    assert gsm7_length("Kode: 123456") == 12
    assert gsm7_length("harga €5") == 9  # the euro sign takes two septets
    assert gsm7_length("kode ✓") is None
    assert count_segments("a" * 160) == 1
    assert count_segments("a" * 161) == 2
    assert count_segments("✓" * 70) == 1
    assert count_segments("✓" * 71) == 2
