"""Background jobs of the selection: the run the office asked for."""

from __future__ import annotations

from procrastinate.contrib.django import app

from bekal.selection import services

SELECTION_QUEUE = "selection"


@app.task(name="selection.run_requested_selection", queue=SELECTION_QUEUE)
def run_requested_selection(run_id: int) -> None:
    """Run a requested selection; delivered twice (or after a crash) it runs once."""
    services.run_requested(run_id=run_id)
