"""Background jobs of the programmes app (Procrastinate, on PostgreSQL)."""

from __future__ import annotations

from procrastinate.contrib.django import app

from bekal.programmes import exclusion_import

IMPORTS_QUEUE = "imports"


@app.task(name="programmes.import_exclusion_list", queue=IMPORTS_QUEUE)
def import_exclusion_list(exclusion_list_id: int) -> None:
    """Import an uploaded exclusion list; a job delivered twice finds nothing to do."""
    exclusion_import.run_import(exclusion_list_id=exclusion_list_id)
