"""The SMS gateway: one interface, chosen by `settings.BEKAL_SMS_BACKEND` (a dotted path).

    backend = get_backend()
    gateway_id = backend.send(to="+6281234567890", body="Kode Bekal Anda: 123456 ...")

A backend sends one message and returns the gateway's id for it. It raises
`SmsGatewayUnavailableError` when the job should try again later (timeout, gateway down,
rate-limited) and `SmsRejectedError` when trying again cannot help (the gateway refused
the number or the text); anything else is a bug and is retried like an outage.

Backends:
- `OutboxOnlyBackend` (default in the demo and the tests): nothing leaves the machine;
  the message is only kept in the outbox and shown at /dev/outbox.
- `ConsoleBackend`: prints each message (development).
- `FileBackend`: appends one JSON line per message to `settings.BEKAL_SMS_FILE`
  (default var/sms/messages.jsonl).
- `HttpSmsBackend`: a real gateway over HTTPS with JSON (see docs/phone-verification.md).

Messages are delivered by `bekal.notifications.delivery`, never from a request.
"""

from __future__ import annotations

import json
import logging
import math
import sys
import threading
import uuid
from pathlib import Path
from typing import Any, ClassVar, TextIO

import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """A message could not be handed to the SMS gateway."""


class SmsGatewayUnavailableError(SmsError):
    """The gateway could not take the message now: the delivery job retries later."""


class SmsRejectedError(SmsError):
    """The gateway refused this message for good: it is marked failed, not retried."""


class SmsBackend:
    """What every SMS gateway backend provides."""

    #: True when a message leaves Bekal (a real gateway). Codes in a sensitive message
    #: are then blanked out of the outbox once it is sent: the gateway has them, the
    #: database need not keep them.
    delivers_outside: ClassVar[bool] = False

    def send(self, *, to: str, body: str) -> str:
        """Send `body` to `to` (E.164, +62...) and return the gateway's message id."""
        raise NotImplementedError


class OutboxOnlyBackend(SmsBackend):
    """Sends nothing: the outbox row (shown at /dev/outbox) is the only copy."""

    def send(self, *, to: str, body: str) -> str:
        return f"outbox-{uuid.uuid4().hex}"


class ConsoleBackend(SmsBackend):
    """Prints each message, for a developer's terminal."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def send(self, *, to: str, body: str) -> str:
        message_id = f"console-{uuid.uuid4().hex}"
        stream = self.stream or sys.stdout
        stream.write(f"SMS {message_id} to {to}\n{body}\n{'-' * 40}\n")
        stream.flush()
        return message_id


_file_lock = threading.Lock()


class FileBackend(SmsBackend):
    """Appends one JSON object per line: {"id", "to", "body", "sent_at"}."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path or settings.BEKAL_SMS_FILE)

    def send(self, *, to: str, body: str) -> str:
        message_id = f"file-{uuid.uuid4().hex}"
        line = json.dumps(
            {"id": message_id, "to": to, "body": body, "sent_at": timezone.now().isoformat()},
            ensure_ascii=False,
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _file_lock, self.path.open("a", encoding="utf-8") as file:
            file.write(line + "\n")
        return message_id


class HttpSmsBackend(SmsBackend):
    """A real gateway: POST {"to", "text", "sender"} as JSON, answer {"id": "..."}.

    Settings: BEKAL_SMS_GATEWAY_URL, BEKAL_SMS_GATEWAY_API_KEY (sent as
    "Authorization: Bearer <key>"), BEKAL_SMS_GATEWAY_TIMEOUT (seconds, default 10),
    BEKAL_SMS_SENDER_ID (default "BEKAL"). A gateway with another request or answer shape
    is a subclass overriding `payload` and `message_id`.

    2xx -> the id; 408, 429, 5xx, timeouts and connection errors -> retry later;
    any other answer -> rejected for good.
    """

    delivers_outside = True

    def __init__(
        self,
        *,
        url: str | None = None,
        api_key: str | None = None,
        timeout: float | None = None,
        sender: str | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = str(url or getattr(settings, "BEKAL_SMS_GATEWAY_URL", ""))
        self.api_key = str(api_key or getattr(settings, "BEKAL_SMS_GATEWAY_API_KEY", ""))
        self.timeout = timeout or float(getattr(settings, "BEKAL_SMS_GATEWAY_TIMEOUT", 10))
        self.sender = str(sender or getattr(settings, "BEKAL_SMS_SENDER_ID", "BEKAL"))
        self.transport = transport
        if not self.url:
            raise RuntimeError("HttpSmsBackend needs BEKAL_SMS_GATEWAY_URL")

    def payload(self, *, to: str, body: str) -> dict[str, Any]:
        return {"to": to, "text": body, "sender": self.sender}

    def message_id(self, answer: Any) -> str:
        if isinstance(answer, dict):
            return str(answer.get("id") or answer.get("message_id") or "")
        return ""

    def send(self, *, to: str, body: str) -> str:
        headers = {"Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        try:
            with httpx.Client(timeout=self.timeout, transport=self.transport) as client:
                response = client.post(
                    self.url, json=self.payload(to=to, body=body), headers=headers
                )
        except httpx.TransportError as exc:  # timeouts, refused connections, TLS errors
            raise SmsGatewayUnavailableError(f"{type(exc).__name__}: {exc}") from exc
        status = response.status_code
        if status == 408 or status == 429 or status >= 500:
            raise SmsGatewayUnavailableError(f"gateway answered {status}")
        if not 200 <= status < 300:
            raise SmsRejectedError(f"gateway answered {status}: {response.text[:300]}")
        try:
            answer = response.json()
        except ValueError:
            answer = None
        message_id = self.message_id(answer)
        if not message_id:
            logger.warning("SMS gateway accepted a message without giving its id")
        return message_id


def get_backend() -> SmsBackend:
    """The backend named by settings.BEKAL_SMS_BACKEND, ready to send."""
    backend_class = import_string(settings.BEKAL_SMS_BACKEND)
    backend = backend_class()
    if not isinstance(backend, SmsBackend):
        raise TypeError(f"{settings.BEKAL_SMS_BACKEND} is not an SmsBackend")
    return backend


# GSM 03.38: the 7-bit alphabet every phone reads; an extension character takes two septets.
_GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = set("^{}\\[~]|€\f")


def gsm7_length(text: str) -> int | None:
    """Septets `text` takes in the GSM 7-bit alphabet; None when it needs UCS-2."""
    length = 0
    for char in text:
        if char in _GSM7_BASIC:
            length += 1
        elif char in _GSM7_EXTENSION:
            length += 2
        else:
            return None
    return length


def count_segments(text: str) -> int:
    """How many SMS segments `text` is billed as (160/153 GSM-7, 70/67 UCS-2)."""
    septets = gsm7_length(text)
    if septets is not None:
        return 1 if septets <= 160 else math.ceil(septets / 153)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else math.ceil(units / 67)
