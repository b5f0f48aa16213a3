"""Joining a wave, and being carried over to the next without doing anything."""

import datetime as dt

import pytest
from django.utils import timezone

from bekal.core.models import AuditEvent
from bekal.programmes import services
from bekal.programmes.errors import (
    AlreadyInOpenWaveError,
    AlreadyJoinedError,
    AssessmentNotPassedError,
    CarryOverError,
    RegistrationIncompleteError,
    WaveNotOpenError,
)
from bekal.programmes.models import Wave, WaveApplication
from bekal.programmes.selectors import get_application, list_applications
from tests.programmes.factories import registrant, wave

pytestmark = pytest.mark.django_db


def test_a_registrant_with_a_complete_registration_and_a_passed_test_joins(documents_storage):
    user = registrant(1)
    open_wave = wave(1)

    application = services.join_wave(user=user, wave=open_wave, test_passed=True)

    assert get_application(user=user, wave=open_wave) == application
    assert application.regency_id == "17.71"  # the domicile, for the regional quotas
    assert application.selected is None
    assert application.carried_over_from is None
    assert AuditEvent.objects.filter(action="programmes.wave_joined", actor=user).exists()


def test_joining_twice_is_refused(documents_storage):
    user = registrant(1)
    open_wave = wave(1)
    services.join_wave(user=user, wave=open_wave, test_passed=True)

    with pytest.raises(AlreadyJoinedError):
        services.join_wave(user=user, wave=open_wave, test_passed=True)

    assert WaveApplication.objects.filter(user=user).count() == 1


def test_joining_a_second_open_wave_is_refused(documents_storage):
    user = registrant(1)
    services.join_wave(user=user, wave=wave(1), test_passed=True)

    with pytest.raises(AlreadyInOpenWaveError):
        services.join_wave(user=user, wave=wave(2), test_passed=True)


def test_joining_without_a_passed_test_is_refused(documents_storage):
    user = registrant(1)

    with pytest.raises(AssessmentNotPassedError):
        services.join_wave(user=user, wave=wave(1), test_passed=False)

    assert not WaveApplication.objects.exists()


def test_joining_with_an_incomplete_registration_is_refused():
    user = registrant(1, complete=False)

    with pytest.raises(RegistrationIncompleteError):
        services.join_wave(user=user, wave=wave(1), test_passed=True)

    assert not WaveApplication.objects.exists()


@pytest.mark.parametrize("when", ["draft", "before", "after", "closed"])
def test_joining_outside_the_wave_window_is_refused(documents_storage, when):
    user = registrant(1)
    now = timezone.now()
    windows = {"before": {"opens_at": now + dt.timedelta(hours=1)}}
    target = wave(1, open_now=when != "draft", **windows.get(when, {}))
    if when == "after":  # opened in time; its closing time passed and nobody closed it yet
        Wave.objects.filter(pk=target.pk).update(closes_at=now - dt.timedelta(seconds=1))
    if when == "closed":
        services.close_wave(wave=target, actor=None)

    with pytest.raises(WaveNotOpenError):
        services.join_wave(user=user, wave=target, test_passed=True)

    assert not WaveApplication.objects.exists()


def test_carry_over_moves_only_the_unselected_and_is_idempotent(documents_storage):
    first = wave(1)
    people = [registrant(n) for n in range(1, 5)]
    for person in people:
        services.join_wave(user=person, wave=first, test_passed=True)
    services.close_wave(wave=first, actor=None)
    # What the selection run will decide: one selected, one not, two not decided yet.
    decisions = {people[0]: True, people[1]: False}
    for person, selected in decisions.items():
        WaveApplication.objects.filter(wave=first, user=person).update(selected=selected)
    second = wave(2)

    added = services.carry_over(from_wave=first, to_wave=second)
    again = services.carry_over(from_wave=first, to_wave=second)

    assert (added, again) == (3, 0)
    carried = WaveApplication.objects.filter(wave=second)
    assert {a.user for a in carried} == set(people[1:])
    assert {a.carried_over_from for a in carried} == {first}
    assert {a.selected for a in carried} == {None}
    assert [a.wave for a in list_applications(user=people[2])] == [second, first]


def test_carry_over_from_a_wave_still_open_is_refused(documents_storage):
    first, second = wave(1), wave(2)

    with pytest.raises(CarryOverError):
        services.carry_over(from_wave=first, to_wave=second)
