"""Nonces and idempotency records are kept as long as they matter, then purged; a
credential's last use is recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bekal.accounts.models import PartnerCredential, PartnerIdempotencyRecord, PartnerNonce
from bekal.accounts.partner_clients import issue_credential
from bekal.accounts.partner_requests import (
    IDEMPOTENCY_RETENTION,
    accept_nonce,
    purge_partner_request_records,
)
from tests.marketplace import factories

pytestmark = pytest.mark.django_db


def credential() -> PartnerCredential:
    return issue_credential(client=factories.platform().client).credential


def test_a_nonce_is_accepted_once_per_credential():
    first, second = credential(), credential()
    expires = timezone.now() + dt.timedelta(minutes=5)
    assert accept_nonce(credential=first, nonce="n" * 20, expires_at=expires)
    assert not accept_nonce(credential=first, nonce="n" * 20, expires_at=expires)
    assert accept_nonce(credential=second, nonce="n" * 20, expires_at=expires)


def test_purging_forgets_expired_nonces_and_old_records_only():
    # given a nonce past its expiry, a live one, and an old and a fresh idempotency record
    signer = credential()
    now = timezone.now()
    accept_nonce(
        credential=signer, nonce="expired-nonce-0001", expires_at=now - dt.timedelta(seconds=1)
    )
    accept_nonce(
        credential=signer, nonce="live-nonce-000001", expires_at=now + dt.timedelta(minutes=5)
    )
    for key, age in (
        ("old", IDEMPOTENCY_RETENTION + dt.timedelta(minutes=1)),
        ("fresh", dt.timedelta()),
    ):
        PartnerIdempotencyRecord.objects.create(
            client=signer.client,
            key=key,
            method="POST",
            path="/api/partners/v1/providers",
            body_sha256="0" * 64,
            status_code=201,
            response_body="{}",
            created_at=now - age,
        )
    # when the periodic purge runs
    purged = purge_partner_request_records(now=now)
    # then only what can no longer matter is gone
    assert purged == (1, 1)
    assert list(PartnerNonce.objects.values_list("nonce", flat=True)) == ["live-nonce-000001"]
    assert list(PartnerIdempotencyRecord.objects.values_list("key", flat=True)) == ["fresh"]


@pytest.mark.django_db(transaction=True)
def test_a_request_records_when_the_credential_was_last_used(partner):
    assert partner.credential.last_used_at is None
    partner.api.get("/me")
    partner.credential.refresh_from_db()
    assert partner.credential.last_used_at is not None
