"""The identity check as the real worker runs it: answers, retries, and nothing lost."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bekal.core.models import AuditEvent
from bekal.identity.registry.embedded import add_citizens
from bekal.registration import selectors, services
from bekal.registration.models import IdentityCheck
from tests.identity.registry_stub import Reply
from tests.registration.factories import SITI, identity_jobs, make_retries_due, participant, submit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("empty_queue")]


def test_a_profile_the_registry_confirms_is_verified(worker, registry_file):
    siti = participant()
    submit(siti)

    worker()

    check = selectors.get_identity_check(user=siti)
    assert check.status == IdentityCheck.Status.VERIFIED
    assert check.checked_at is not None
    assert check.attempts == 1
    event = AuditEvent.objects.get(action="registration.identity_checked")
    assert event.details["outcome"] == "match"


def test_a_name_the_registry_holds_differently_is_a_mismatch_with_its_reason(worker, registry_file):
    siti = participant()
    submit(siti, full_name="Siti Aminah Putri")

    worker()

    check = selectors.get_identity_check(user=siti)
    assert check.status == IdentityCheck.Status.MISMATCH
    assert check.mismatched_fields == ["full_name"]


def test_a_nik_the_registry_does_not_know_is_not_found(worker, registry_file, settings):
    settings.BEKAL_REGISTRY_FILE = registry_file.with_name("others.csv.gz")
    add_citizens([], path=settings.BEKAL_REGISTRY_FILE)
    siti = participant()
    submit(siti)

    worker()

    assert selectors.get_identity_check(user=siti).status == IdentityCheck.Status.NOT_FOUND


def test_an_unavailable_registry_is_retried_and_the_check_completes_when_it_is_back(
    worker, registry_stub
):
    siti = participant()
    submit(siti)
    registry_stub.then(Reply(status=503), Reply(status=503), Reply(status=503))

    worker()

    check = selectors.get_identity_check(user=siti)
    assert check.status == IdentityCheck.Status.PENDING
    assert check.attempts == 1
    assert [job["status"] for job in identity_jobs(check.pk)] == ["todo"]  # a retry, later

    make_retries_due()
    worker()

    check.refresh_from_db()
    assert check.status == IdentityCheck.Status.VERIFIED
    assert check.attempts == 2
    assert registry_stub.requests[-1].body["nik"] == SITI.nik


def test_a_check_whose_retries_ran_out_stays_pending_and_is_queued_again(
    worker, registry_file, settings
):
    settings.BEKAL_REGISTRY_FILE = registry_file.with_name("not-there-yet.csv.gz")
    siti = participant()
    submit(siti)
    check = selectors.get_identity_check(user=siti)
    for _run in range(10):  # every retry the job has, until it gives up
        worker()
        make_retries_due()
    assert [job["status"] for job in identity_jobs(check.pk)] == ["failed"]
    check.refresh_from_db()
    assert check.status == IdentityCheck.Status.PENDING
    assert check.attempts == 7

    add_citizens([SITI], path=settings.BEKAL_REGISTRY_FILE)  # the registry is back
    queued = services.requeue_pending_checks(older_than=timedelta(0))
    worker()

    assert queued == 1
    check.refresh_from_db()
    assert check.status == IdentityCheck.Status.VERIFIED


def test_the_sweep_does_not_queue_a_check_whose_job_is_still_waiting(worker, registry_stub):
    siti = participant()
    submit(siti)

    queued = services.requeue_pending_checks(older_than=timedelta(0))

    assert queued == 0
    assert len(identity_jobs()) == 1
