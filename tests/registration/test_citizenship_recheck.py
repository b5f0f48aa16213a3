"""Identity checks recorded before the registry stated citizenship are asked again, in
batches through the worker, and their holders' eligibility facts follow."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from bekal.core.models import AuditEvent
from bekal.identity.registry.embedded import Citizen, write_citizens
from bekal.registration import services
from bekal.registration.errors import RegistryUnavailableError
from bekal.registration.models import IdentityCheck
from bekal.selection.models import RegistrantFacts
from tests.identity.registry_stub import Reply
from tests.registration.factories import SITI, SITI_BORN, participant, submit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("empty_queue")]

DEWI = Citizen(nik="1771015508950002", full_name="DEWI LESTARI", birth_date=SITI_BORN, sex="F")
ANNA = Citizen(
    nik="1771015508950003",
    full_name="ANNA MULLER",
    birth_date=SITI_BORN,
    sex="F",
    citizenship="WNA",
)
RINA = Citizen(nik="1771015508950004", full_name="RINA WATI", birth_date=SITI_BORN, sex="F")


def verified(people: list[Citizen], registry_file, worker) -> list[IdentityCheck]:
    """The people registered and verified by the registry (through the worker)."""
    write_citizens(people, path=registry_file)
    users = []
    for n, person in enumerate(people):
        user = participant(email=f"orang{n}@contoh.id", full_name=person.full_name.title())
        submit(user, nik=person.nik, full_name=person.full_name.title())
        users.append(user)
    worker()
    checks = [IdentityCheck.objects.get(profile__user=user) for user in users]
    assert {c.status for c in checks} == {IdentityCheck.Status.VERIFIED}
    return checks


def as_recorded_before_citizenship(checks: list[IdentityCheck]) -> None:
    """The checks as the registry's answers were recorded before they named citizenship
    (and their facts rows as they were derived then)."""
    ids = [c.pk for c in checks]
    IdentityCheck.objects.filter(pk__in=ids).update(citizenship="")
    RegistrantFacts.objects.filter(user_id__in=[c.profile.user_id for c in checks]).update(
        citizenship=""
    )


def recheck_jobs() -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status, args FROM procrastinate_jobs"
            " WHERE task_name = 'registration.recheck_citizenship' ORDER BY id"
        )
        return [{"status": status, "args": args} for status, args in cursor.fetchall()]


def test_checks_without_citizenship_are_asked_again_in_batches(worker, registry_file):
    # given Siti verified with her citizenship, and three verified before the registry
    # stated it: a citizen, a foreign permanent resident, and one the registry no longer
    # confirms
    siti, dewi, anna, rina = verified([SITI, DEWI, ANNA, RINA], registry_file, worker)
    as_recorded_before_citizenship([dewi, anna, rina])
    write_citizens([SITI, DEWI, ANNA], path=registry_file)

    # when the re-check is started in batches of two and the worker runs
    assert services.start_citizenship_recheck(batch_size=2) == 3
    worker()

    # then two batch jobs asked about the three, and recorded what the registry answered
    assert [job["status"] for job in recheck_jobs()] == ["succeeded", "succeeded"]
    for check, citizenship in ((dewi, "WNI"), (anna, "WNA"), (rina, ""), (siti, "WNI")):
        check.refresh_from_db()
        assert check.status == IdentityCheck.Status.VERIFIED
        assert check.citizenship == citizenship
        facts = RegistrantFacts.objects.get(user_id=check.profile.user_id)
        assert facts.citizenship == citizenship
    # and each answer is audited for its person; Siti was not asked again
    recorded = AuditEvent.objects.filter(action="registration.citizenship_rechecked")
    assert sorted(e.details["citizenship"] for e in recorded) == ["WNA", "WNI"]
    assert {e.subject_user_id for e in recorded} == {
        dewi.profile.user_id,
        anna.profile.user_id,
    }
    unconfirmed = AuditEvent.objects.get(action="registration.citizenship_recheck_unconfirmed")
    assert unconfirmed.subject_user_id == rina.profile.user_id
    assert unconfirmed.details["outcome"] == "not_found"


def test_starting_the_recheck_twice_queues_one_chain(registry_file, worker):
    (dewi,) = verified([DEWI], registry_file, worker)
    as_recorded_before_citizenship([dewi])

    services.start_citizenship_recheck()
    services.start_citizenship_recheck()

    assert [job["status"] for job in recheck_jobs()] == ["todo"]


def test_nothing_is_queued_when_every_check_states_citizenship(registry_file, worker):
    verified([DEWI], registry_file, worker)

    assert services.start_citizenship_recheck() == 0
    assert recheck_jobs() == []


def test_an_unavailable_registry_changes_nothing_and_the_batch_is_retried(
    registry_file, worker, registry_stub
):
    # given a check without citizenship, and the registry answering 503
    (dewi,) = verified([DEWI], registry_file, worker)
    as_recorded_before_citizenship([dewi])
    registry_stub.then(*[Reply(status=503)] * 10)

    # when a batch runs, then it fails to be retried, and the check is as it was
    with pytest.raises(RegistryUnavailableError):
        services.recheck_citizenship_batch(after_id=0, batch_size=10)
    dewi.refresh_from_db()
    assert dewi.citizenship == ""
    assert not AuditEvent.objects.filter(action="registration.citizenship_rechecked").exists()


def test_the_command_says_how_many_are_waiting(registry_file, worker, capsys):
    (dewi,) = verified([DEWI], registry_file, worker)
    as_recorded_before_citizenship([dewi])

    call_command("recheck_citizenship", "--batch-size", "100")

    assert capsys.readouterr().out.startswith("1 identity checks without citizenship")
