"""Two accounts sending the same NIK at the same moment: one wins, the other is refused."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from bekal.registration.errors import DuplicateNikError
from bekal.registration.models import DuplicateNikAttempt, Profile
from tests.registration.factories import participant, submit

pytestmark = pytest.mark.django_db(transaction=True)


def wait_until_a_session_waits_for_a_lock() -> None:
    for _ in range(500):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # fresh figures, mid-transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.01)
    raise AssertionError("the second submission never waited for the first")


def test_the_second_of_two_simultaneous_submissions_of_a_nik_is_refused_and_recorded():
    first, second = participant(), participant(email="kembar@contoh.id")
    outcome: list[BaseException | None] = []

    def submit_second() -> None:
        try:
            submit(second)
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)
        finally:
            connections.close_all()

    with transaction.atomic():
        submit(first)  # inserted, not yet committed: the second cannot see it
        racer = threading.Thread(target=submit_second)
        racer.start()
        wait_until_a_session_waits_for_a_lock()
    racer.join(timeout=30)

    [refusal] = outcome
    assert isinstance(refusal, DuplicateNikError)
    assert refusal.code == "nik_already_registered"
    assert list(Profile.objects.values_list("user", flat=True)) == [first.pk]
    assert DuplicateNikAttempt.objects.get().user == second
