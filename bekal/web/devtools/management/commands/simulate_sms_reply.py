"""The SMS gateway forwarding a citizen's reply, for the demo: signed with the secret of
these settings and posted to Bekal's own endpoint, as the gateway would.

    .venv/bin/python manage.py simulate_sms_reply demo.008@bekal.example "ABC234 sudah saya kirim"

The sender is the account's verified number (a demo person's number is not printed
anywhere: the outbox shows it masked). `--url` is the running demo (default SITE_URL).
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from bekal.accounts.models import User
from bekal.accounts.selectors import get_current_phone
from bekal.care.sms_replies import gateway_signature
from bekal.core.crypto import decrypt


class Command(BaseCommand):
    help = "Send a citizen's SMS reply through the gateway endpoint (demo only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("text")
        parser.add_argument("--url", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.BEKAL_DEV_OUTBOX:
            raise CommandError("Only in the demo (the outbox at /dev/ is on).")
        user = User.objects.filter(email=options["email"].strip().lower()).first()
        phone = get_current_phone(user=user) if user else None
        if phone is None:
            raise CommandError("No account with this email and a verified phone number.")
        path = reverse("sms:reply")
        body = json.dumps(
            {
                "id": f"demo-{uuid.uuid4().hex}",
                "from": decrypt(phone.phone_encrypted),
                "text": options["text"],
            }
        ).encode()
        timestamp = str(int(time.time()))
        secret = settings.BEKAL_SMS_INBOUND_SECRET
        response = httpx.post(
            (options["url"] or settings.SITE_URL).rstrip("/") + path,
            content=body,
            headers={
                "Content-Type": "application/json",
                "X-Bekal-Timestamp": timestamp,
                "X-Bekal-Signature": gateway_signature(
                    secret=secret, path=path, timestamp=timestamp, body=body
                ),
            },
        )
        self.stdout.write(f"{response.status_code} {response.text}")
