"""Background jobs of the accounts app (Procrastinate, on PostgreSQL). Thin: they call
services."""

from __future__ import annotations

from procrastinate.contrib.django import app

from bekal.accounts import partner_requests


@app.periodic(cron="*/5 * * * *", periodic_id="purge_partner_request_records")
@app.task(
    name="accounts.purge_partner_request_records",
    queue="accounts",
    queueing_lock="accounts.purge_partner_request_records",
)
def purge_partner_request_records(timestamp: int) -> None:
    """Every 5 minutes: forget expired partner API nonces and old idempotency records."""
    partner_requests.purge_partner_request_records()
