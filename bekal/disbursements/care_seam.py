"""The one place where a payout problem that a person must handle is recorded.

Care tickets (the `care` app) will open an idempotent system ticket from here once both
apps are merged; until then each call writes an audit event, which the break queue and
the programme office read. Callers: a NO_MATCH at account linking, and every
reconciliation break (bekal.disbursements.reconciliation).
"""

from __future__ import annotations

from typing import Any

from bekal.core.audit import record_event


def record_name_mismatch(*, user: Any, channel: str, holder_name: str) -> None:
    record_event(
        action="disbursements.name_mismatch",
        actor=user,
        subject_user=user,
        channel=channel,
        holder_name=holder_name,
    )


def record_reconciliation_break(*, item: Any) -> None:
    record_event(
        action="disbursements.reconciliation_break",
        target=item,
        kind=item.kind,
        owner=item.owner,
        external_id=item.external_id,
    )
