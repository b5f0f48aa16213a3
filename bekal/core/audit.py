"""Recording what happened, by whom, inside the transaction that did it.

Every string in an event's details is masked (bekal.core.masking): a NIK, KK, phone or
account number never reaches the audit log in clear, whatever its separators.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from bekal.core.masking import mask_value
from bekal.core.models import AuditEvent


def record_event(
    *,
    action: str,
    actor: Any = None,
    subject_user: Any = None,
    target: models.Model | None = None,
    ip_address: str | None = None,
    **details: Any,
) -> AuditEvent:
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    if actor is not None and not getattr(actor, "is_authenticated", True):
        actor_id = None
    return AuditEvent.objects.create(
        action=action,
        actor_id=actor_id,
        subject_user_id=getattr(subject_user, "pk", None),
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        ip_address=ip_address,
        details=mask_value(details),
    )
