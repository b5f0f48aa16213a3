from __future__ import annotations

from typing import Any

from procrastinate.contrib.django import app

from bekal.reporting.services import recount_figures


# Every night at 02:41 Jakarta time (19:41 UTC): a full recount reads every registrant.
@app.periodic(cron="41 19 * * *", periodic_id="recount_figures")
@app.task(queue="reporting", name="reporting.recount_figures")
def recount_figures_nightly(timestamp: int, **kwargs: Any) -> int:
    """Report drift between the rollups and the base tables (the audit log and a warning);
    the programme office repairs it with `manage.py recount_figures --repair`."""
    return len(recount_figures().drifts)
