"""Background jobs of registration: the population-registry check, and its safety nets.

- `verify_identity` asks the registry about one check. When the registry is unavailable
  the job fails with RegistryUnavailableError and Procrastinate retries it with
  exponential waits (4 s, 16 s, 64 s, ... about 1.5 hours over 7 runs).
- `requeue_pending_identity_checks` (every 5 minutes) queues a job again for checks still
  pending long after their last attempt: retries exhausted, or a job lost with its worker.
- the jobs of workers that died mid-job (killed, out of memory) are put back in their
  queue by bekal.core.tasks.retry_stalled_jobs, which watches every queue.
A check is never lost: it stays pending in the database until the registry answers.
"""

from __future__ import annotations

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from bekal.registration import services
from bekal.registration.errors import RegistryUnavailableError

IDENTITY_QUEUE = "identity"


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


@app.task(
    name="registration.recheck_citizenship",
    queue=IDENTITY_QUEUE,
    retry=RetryStrategy(
        max_attempts=6, exponential_wait=4, retry_exceptions={RegistryUnavailableError}
    ),
)
def recheck_citizenship(after_id: int, batch_size: int) -> None:
    """One batch of the citizenship re-check; it queues the next batch itself."""
    services.recheck_citizenship_batch(after_id=after_id, batch_size=batch_size)
