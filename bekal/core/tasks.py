"""The safety net every queue shares: jobs of workers that died mid-job are run again.

Procrastinate marks a worker stalled when its heartbeat (every 10 s) is older than
STALLED_AFTER seconds; `retry_stalled_jobs` (every SWEEP_EVERY seconds) puts that
worker's "doing" jobs back in their queue. A job of a worker killed just after its
heartbeat is queued again at most STALLED_AFTER + SWEEP_EVERY seconds (45) later, and a
waiting worker takes it within its polling interval: within a minute. Every Bekal job is
idempotent (an identity check, an email, an exclusion-list import, an announcement
batch, a revocation sweep), so running one again after a crash is safe; an import left
"importing" by a killed worker is imported again.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from procrastinate import JobContext
from procrastinate.contrib.django import app
from procrastinate.exceptions import ConnectorException
from procrastinate.jobs import Status
from procrastinate.manager import JobManager

logger = logging.getLogger(__name__)

#: Seconds without a heartbeat after which a worker is taken for dead: three missed
#: heartbeats (Procrastinate's own stalled-worker timeout is the same).
STALLED_AFTER = 30
#: How often the sweep runs, in seconds (a divisor of 60: it is a cron seconds field).
SWEEP_EVERY = 15


async def retry_stalled_jobs(
    job_manager: JobManager, *, seconds_since_heartbeat: float, queue: str | None = None
) -> int:
    """Queue again the jobs left "doing" by dead workers (of `queue`, or of every queue);
    returns how many."""
    retried = 0
    for job in await job_manager.get_stalled_jobs(
        queue=queue, seconds_since_heartbeat=seconds_since_heartbeat
    ):
        try:
            await job_manager.retry_job(job)
            retried += 1
        except ConnectorException:
            # The same work is queued already (a sweep queued it): close this copy.
            await job_manager.finish_job(job, status=Status.FAILED, delete_job=False)
    if retried:
        logger.warning("retried %s stalled jobs (queue %s)", retried, queue or "all")
    return retried


# Six fields: the sixth is the seconds (croniter's extension, which Procrastinate uses).
@app.periodic(cron=f"* * * * * */{SWEEP_EVERY}", periodic_id="retry_stalled_jobs")
@app.task(name="core.retry_stalled_jobs", queue="maintenance", pass_context=True)
async def retry_stalled_jobs_everywhere(context: JobContext, timestamp: int) -> None:
    assert context.app is not None
    await retry_stalled_jobs(context.app.job_manager, seconds_since_heartbeat=STALLED_AFTER)


def retry_stalled_jobs_now(
    *, queue: str | None = None, seconds_since_heartbeat: float = STALLED_AFTER
) -> int:
    """The same recovery from synchronous code (an operator's shell, tests)."""
    retried: int = async_to_sync(retry_stalled_jobs)(
        app.job_manager, queue=queue, seconds_since_heartbeat=seconds_since_heartbeat
    )
    return retried
