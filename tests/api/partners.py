"""Platforms with a live credential and a client signing as them, vouchers bought by card
holders for their courses, and the error shape every refusal has. Used by the partner API
tests and the end-to-end test."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from bekal.accounts.models import PartnerCredential
from bekal.accounts.partner_clients import issue_credential
from bekal.marketplace.models import CourseSession, Format, Platform, Purchase
from bekal.marketplace.services.purchases import purchase_course
from tests.api.client import SigningClient
from tests.marketplace import factories


@dataclass
class Partner:
    platform: Platform
    credential: PartnerCredential
    secret: str
    api: SigningClient


def make_partner(
    base_url: str,
    *,
    code: str | None = None,
    name: str | None = None,
    key_id: str | None = None,
    secret: str | None = None,
) -> Partner:
    platform = factories.platform(code=code, name=name)
    issued = issue_credential(client=platform.client, key_id=key_id, secret=secret)
    client = SigningClient(base_url, key_id=issued.key_id, secret=issued.secret)
    return Partner(
        platform=platform, credential=issued.credential, secret=issued.secret, api=client
    )


def voucher(
    on: Platform, *, format: str = Format.WEBINAR, starts_in: dt.timedelta | None = None
) -> Purchase:
    """A card holder's purchase of a published course of `on`; for a live course, its one
    session then moved to start `starts_in` from now (a direct update: sessions can only
    be bought before they start, and tests need time to pass)."""
    course = factories.course(on=on, format=format)
    person, _card = factories.card_holder()
    session = course.sessions.first()
    purchase = purchase_course(
        user=person,
        course_id=course.pk,
        session_id=session.pk if session else None,
        idempotency_key=f"test-{uuid.uuid4()}",
    )
    if session is not None and starts_in is not None:
        move_session(session, starts_in=starts_in)
    return purchase


def move_session(session: CourseSession, *, starts_in: dt.timedelta, hours: int = 2) -> None:
    starts = timezone.now() + starts_in
    CourseSession.objects.filter(pk=session.pk).update(
        starts_at=starts, ends_at=starts + dt.timedelta(hours=hours)
    )


def error_of(response: Any) -> dict[str, Any]:
    """The error a response carries, checking its shape on the way."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "field"}, body
    assert body["error"]["message"], body
    return body["error"]
