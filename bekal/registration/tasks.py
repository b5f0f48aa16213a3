"""Background jobs of registration: the population-registry check, and its safety nets.

- `verify_identity` asks the registry about one check. When the registry is unavailable
  the job fails with RegistryUnavailableError and Procrastinate retries it with
  exponential waits (4 s, 16 s, 64 s, ... about 1.5 hours over 7 runs).
- `requeue_pending_identity_checks` (every 5 minutes) queues a job again for checks still
  pending long after their last attempt: retries exhausted, or a job lost with its worker.
- `retry_stalled_identity_jobs` (every 5 minutes) puts back in the queue the jobs of
  workers that died mid-job (killed, out of memory): Procrastinate marks a worker stalled
  when its heartbeat is older than STALLED_AFTER seconds.
A check is never lost: it stays pending in the database until the registry answers.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from procrastinate import JobContext, RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.exceptions import ConnectorException
from procrastinate.jobs import Status
from procrastinate.manager import JobManager

from bekal.registration import services
from bekal.registration.errors import RegistryUnavailableError

logger = logging.getLogger(__name__)

IDENTITY_QUEUE = "identity"
#: Seconds without a heartbeat after which a worker is taken for dead (it beats every 10).
STALLED_AFTER = 60


@app.task(
    name="registration.verify_identity",
    queue=IDENTITY_QUEUE,
    retry=RetryStrategy(
        max_attempts=6, exponential_wait=4, retry_exceptions={RegistryUnavailableError}
    ),
)
def verify_identity(check_id: int) -> None:
    services.run_identity_check(check_id=check_id)


@app.periodic(cron="*/5 * * * *", periodic_id="requeue_pending_identity_checks")
@app.task(name="registration.requeue_pending_identity_checks", queue=IDENTITY_QUEUE)
def requeue_pending_identity_checks(timestamp: int) -> None:
    services.requeue_pending_checks()


@app.periodic(cron="*/5 * * * *", periodic_id="retry_stalled_identity_jobs")
@app.task(name="registration.retry_stalled_identity_jobs", queue=IDENTITY_QUEUE, pass_context=True)
async def retry_stalled_identity_jobs(context: JobContext, timestamp: int) -> None:
    assert context.app is not None
    await retry_stalled_jobs(
        context.app.job_manager, queue=IDENTITY_QUEUE, seconds_since_heartbeat=STALLED_AFTER
    )


async def retry_stalled_jobs(
    job_manager: JobManager, *, queue: str, seconds_since_heartbeat: float
) -> int:
    """Queue again the jobs left "doing" by dead workers; returns how many."""
    retried = 0
    for job in await job_manager.get_stalled_jobs(
        queue=queue, seconds_since_heartbeat=seconds_since_heartbeat
    ):
        try:
            await job_manager.retry_job(job)
            retried += 1
        except ConnectorException:
            # The same check is queued already (by the sweep): close this copy.
            await job_manager.finish_job(job, status=Status.FAILED, delete_job=False)
    if retried:
        logger.warning("retried %s stalled jobs of the %s queue", retried, queue)
    return retried


def retry_stalled_identity_jobs_now(*, seconds_since_heartbeat: float = STALLED_AFTER) -> int:
    """The same recovery from synchronous code (an operator's shell, tests)."""
    retried: int = async_to_sync(retry_stalled_jobs)(
        app.job_manager, queue=IDENTITY_QUEUE, seconds_since_heartbeat=seconds_since_heartbeat
    )
    return retried
