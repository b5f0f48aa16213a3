"""Background jobs of the cards app (Procrastinate, on PostgreSQL). Thin: they call services."""

from __future__ import annotations

from procrastinate.contrib.django import app

from bekal.cards import services

ANNOUNCEMENTS_QUEUE = "announcements"
CARDS_QUEUE = "cards"


@app.task(name="cards.announce_results_batch", queue=ANNOUNCEMENTS_QUEUE)
def announce_results_batch(run_id: int, after: int) -> None:
    """Tell one batch of a published run's applicants; the batch queues the next one."""
    services.announce_batch(run_id=run_id, after=after)


@app.task(name="cards.publish_requested_results", queue=ANNOUNCEMENTS_QUEUE)
def publish_requested_results(run_id: int) -> None:
    """Publish a run the office asked to publish; delivered twice it publishes once."""
    services.publish_requested(run_id=run_id)


@app.periodic(cron="23 * * * *", periodic_id="revoke_unused_cards")
@app.task(
    name="cards.revoke_unused_cards",
    queue=CARDS_QUEUE,
    queueing_lock="cards.revoke_unused_cards",
)
def revoke_unused_cards(timestamp: int) -> None:
    """Hourly: revoke the cards with no training bought within the scheme's days."""
    services.revoke_unused_cards()
