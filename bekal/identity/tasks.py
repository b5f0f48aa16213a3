"""Background jobs of the identity app (Procrastinate, on PostgreSQL). Thin: they call services."""

from __future__ import annotations

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from bekal.identity import services


@app.periodic(cron="17 * * * *")
@app.task(
    name="identity.purge_expired_documents",
    queue="identity",
    queueing_lock="identity.purge_expired_documents",
)
def purge_expired_documents(timestamp: int) -> None:
    """Hourly: delete the stored photos whose retention period has passed."""
    services.purge_expired_documents()


@app.task(
    name="identity.delete_document_file",
    queue="identity",
    retry=RetryStrategy(max_attempts=10, exponential_wait=5),
)
def delete_document_file(document_id: int) -> None:
    """Delete a replaced photo's file once the replacement has committed."""
    services.delete_replaced_file(document_id=document_id)
