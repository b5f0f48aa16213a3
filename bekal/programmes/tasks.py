"""Background jobs of the programmes app (Procrastinate, on PostgreSQL)."""

from __future__ import annotations

from procrastinate.contrib.django import app

from bekal.programmes import exclusion_import
from bekal.programmes.services import wave_notices

IMPORTS_QUEUE = "imports"


@app.task(name="programmes.import_exclusion_list", queue=IMPORTS_QUEUE)
def import_exclusion_list(exclusion_list_id: int) -> None:
    """Import an uploaded exclusion list; a job delivered twice finds nothing to do."""
    exclusion_import.run_import(exclusion_list_id=exclusion_list_id)


@app.task(name="programmes.tell_wave_open_batch", queue="announcements")
def tell_wave_open_batch(wave_id: int, after: int) -> None:
    """Tell one batch of people that a wave is open; the batch queues the next one."""
    wave_notices.tell_wave_open_batch(wave_id=wave_id, after=after)
