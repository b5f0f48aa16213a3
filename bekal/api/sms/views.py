"""Replies by SMS, forwarded by the SMS gateway: POST /api/sms/balasan/.

The gateway signs each request with the shared secret `BEKAL_SMS_INBOUND_SECRET`:

    X-Bekal-Timestamp: Unix seconds
    X-Bekal-Signature: hex HMAC-SHA256(secret,
                       "POST\\n" PATH "\\n" TIMESTAMP "\\n" hex(sha256(body)))

the same construction as the partner API's signatures, without key id and nonce: a
replay is harmless because each message is kept once per its gateway id. The body is
JSON: {"id": "<the gateway's message id>", "from": "+62812...", "text": "..."}.

Answers: 200 {"outcome": "matched" | "unknown_sender" | "no_reference" | "not_found" |
"resolved" | "invalid_sender"} once the message is recorded (the gateway stops retrying);
400 for a body that is not such JSON; 401 for a missing or wrong signature or a
timestamp too far from Bekal's clock; 503 when no secret is configured.
"""

from __future__ import annotations

import hmac
import json
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bekal.accounts.phone_numbers import parse_mobile_number
from bekal.care.sms_replies import gateway_signature, record_sms_reply
from bekal.core.errors import DomainError

TIMESTAMP_HEADER = "X-Bekal-Timestamp"
SIGNATURE_HEADER = "X-Bekal-Signature"


def _refusal(status: int, code: str) -> JsonResponse:
    return JsonResponse({"error": code}, status=status)


def _signed(request: HttpRequest, secret: str) -> bool:
    timestamp = request.headers.get(TIMESTAMP_HEADER, "")
    given = request.headers.get(SIGNATURE_HEADER, "").lower()
    if not timestamp.isdigit() or len(timestamp) > 12 or len(given) != 64:
        return False
    if abs(time.time() - int(timestamp)) > settings.BEKAL_SMS_INBOUND_CLOCK_SKEW_SECONDS:
        return False
    expected = gateway_signature(
        secret=secret, path=request.path, timestamp=timestamp, body=request.body
    )
    return hmac.compare_digest(expected, given)


def _payload(body: bytes) -> dict[str, str] | None:
    try:
        data: Any = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    fields: dict[str, str] = {}
    for key in ("id", "from", "text"):
        value = data.get(key)
        if not isinstance(value, str) or not value:
            return None
        fields[key] = value
    if len(fields["id"]) > 128 or len(fields["text"]) > 2000:
        return None
    return fields


@csrf_exempt
@require_POST
def sms_reply(request: HttpRequest) -> JsonResponse:
    secret = settings.BEKAL_SMS_INBOUND_SECRET
    if not secret:
        return _refusal(503, "not_configured")
    if not _signed(request, secret):
        return _refusal(401, "invalid_signature")
    fields = _payload(request.body)
    if fields is None:
        return _refusal(400, "invalid_body")
    try:
        sender = parse_mobile_number(fields["from"])
    except DomainError:
        return JsonResponse({"outcome": "invalid_sender"})
    inbound = record_sms_reply(gateway_message_id=fields["id"], sender=sender, text=fields["text"])
    return JsonResponse({"outcome": inbound.outcome})
