"""Partner API clients and their signing credentials.

    client = create_partner_client(name="Ruang Kerja", kind=PartnerClient.Kind.TRAINING_PLATFORM)
    issued = issue_credential(client=client, actor=admin)   # issued.secret is shown once
    revoke_credential(credential=..., actor=admin)

Request signing and verification live with the API (bekal.api.partners.v1.security);
this module only creates, reads and revokes credentials.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from bekal.accounts.models import PartnerClient, PartnerCredential
from bekal.core.audit import record_event
from bekal.core.crypto import decrypt, encrypt

KEY_ID_PREFIX = "bkl_"


@dataclass(frozen=True, slots=True)
class IssuedCredential:
    credential: PartnerCredential
    #: The secret in clear: shown to the partner once, never again.
    secret: str

    @property
    def key_id(self) -> str:
        return self.credential.key_id


@transaction.atomic
def create_partner_client(
    *, name: str, kind: PartnerClient.Kind | str, actor: object = None
) -> PartnerClient:
    name = name.strip()
    if not name:
        raise ValueError("a partner client has a name")
    client = PartnerClient.objects.create(name=name, kind=PartnerClient.Kind(kind))
    record_event(action="partners.client_created", actor=actor, target=client, kind=client.kind)
    return client


@transaction.atomic
def issue_credential(
    *,
    client: PartnerClient,
    actor: object = None,
    key_id: str | None = None,
    secret: str | None = None,
) -> IssuedCredential:
    """A new credential for the client. `key_id` and `secret` are drawn at random unless
    given (the demo gives fixed ones so its documented examples work)."""
    key_id = key_id or KEY_ID_PREFIX + secrets.token_hex(12)
    secret = secret or secrets.token_urlsafe(32)
    if len(secret) < 32:
        raise ValueError("a partner secret is at least 32 characters")
    credential = PartnerCredential.objects.create(
        client=client, key_id=key_id, secret_encrypted=encrypt(secret)
    )
    record_event(action="partners.credential_issued", actor=actor, target=client, key_id=key_id)
    return IssuedCredential(credential=credential, secret=secret)


@transaction.atomic
def revoke_credential(*, credential: PartnerCredential, actor: object = None) -> None:
    credential = PartnerCredential.objects.select_for_update().get(pk=credential.pk)
    if credential.revoked_at is not None:
        return
    credential.revoked_at = timezone.now()
    credential.save(update_fields=["revoked_at"])
    record_event(
        action="partners.credential_revoked",
        actor=actor,
        target=credential.client,
        key_id=credential.key_id,
    )


def get_live_credential(*, key_id: str) -> tuple[PartnerCredential, str] | None:
    """The live credential with this key id and its secret, or None (unknown, revoked,
    or its client deactivated)."""
    credential = (
        PartnerCredential.objects.select_related("client")
        .filter(key_id=key_id, revoked_at__isnull=True, client__is_active=True)
        .first()
    )
    if credential is None:
        return None
    return credential, decrypt(credential.secret_encrypted)
