"""Waves in order: a run waits for every run the rules must count to be published.

The rules (already_selected, kk_limit) count only published runs; two draws that do not
see each other could give one family a third recipient and one person two cards.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from bekal.cards import services as cards
from bekal.cards.models import Card
from bekal.selection import services
from bekal.selection.errors import EarlierRunUnpublishedError
from bekal.selection.models import SelectionRun
from tests.selection.factories import Person, admin, close, join, rejoin, wave

pytestmark = pytest.mark.django_db

KK = "1771010101200042"


def run(r: SelectionRun) -> SelectionRun:
    return services.run_selection(run=r, actor=admin())


def review_and_publish(r: SelectionRun) -> SelectionRun:
    return services.publish_run(run=services.review_run(run=r, actor=admin()), actor=admin())


def two_waves_with_the_same_people():
    """Two waves of the 2023 scheme, both closed with a committed seed, holding the same
    three members of one family (two places per KK) and one more person; places for all."""
    first, first_run = wave(national_quota=10)
    second, second_run = wave(national_quota=10)
    applications = join(first, [Person(kk=KK) for _ in range(3)] + [Person()])
    rejoin(second, applications)
    close(first)
    close(second)
    return first_run, second_run, applications


def selected_users(*runs: SelectionRun) -> list[int]:
    return [
        o.application.user_id
        for r in runs
        for o in r.outcomes.select_related("application").filter(selected=True)
    ]


def offer_cards(r: SelectionRun) -> None:
    for outcome in r.outcomes.filter(selected=True):
        cards.offer_card(outcome=outcome)


def test_a_wave_cannot_run_while_another_wave_s_run_is_unpublished():
    # given the first wave run but not yet published
    first_run, second_run, _ = two_waves_with_the_same_people()
    run(first_run)

    # when the second wave is run, then it is refused, naming the wave to publish first
    with pytest.raises(EarlierRunUnpublishedError) as refused:
        run(second_run)
    assert refused.value.code == "earlier_run_unpublished"
    with translation.override("id"):
        assert str(refused.value).startswith(
            f"Hasil seleksi gelombang {first_run.wave.number} belum diumumkan."
        )
    second_run.refresh_from_db()
    assert second_run.status == SelectionRun.Status.SEED_COMMITTED
    assert not second_run.outcomes.exists()


def test_a_later_wave_cannot_run_before_an_earlier_wave_of_the_year_is_published():
    # given an earlier wave with its seed committed, not yet run
    _first_run, second_run, _ = two_waves_with_the_same_people()

    # when the later wave is run first, it is refused, and the office is told so early
    with pytest.raises(EarlierRunUnpublishedError):
        run(second_run)
    with pytest.raises(EarlierRunUnpublishedError):
        services.request_run(run=second_run, actor=admin())
    second_run.refresh_from_db()
    assert second_run.requested_step == ""


def test_waves_run_in_order_give_no_third_family_member_and_no_second_card():
    # given two waves holding the same family of three and one more person
    first_run, second_run, applications = two_waves_with_the_same_people()

    # when the waves are run out of order, then in order with the first published first
    with pytest.raises(EarlierRunUnpublishedError):
        run(second_run)
    first_run = review_and_publish(run(first_run))
    offer_cards(first_run)
    second_run = review_and_publish(run(second_run))
    offer_cards(second_run)

    # then the family has two recipients across both waves, nobody is selected twice,
    # and everybody holds at most one card of the 2023 scheme
    chosen = selected_users(first_run, second_run)
    family = {a.user_id for a in applications[:3]}
    assert len(chosen) == len(set(chosen)) == 3
    assert len(family & set(chosen)) == 2
    assert sorted(Card.objects.values_list("user_id", flat=True)) == sorted(chosen)
    reasons = {o.application.user_id: o.application.eligibility.reasons
               for o in second_run.outcomes.select_related("application__eligibility")}  # fmt: skip
    assert {tuple(r) for r in reasons.values()} == {("already_selected",), ("kk_limit",)}


def test_the_database_refuses_a_second_live_card_in_one_scheme_year():
    # given a person holding the card offered from a published wave of 2023
    first_run, second_run, applications = two_waves_with_the_same_people()
    first_run = review_and_publish(run(first_run))
    offer_cards(first_run)
    card = Card.objects.get(user_id=applications[3].user_id)

    # when a second card of the same scheme year is written for them, bypassing the rules
    def second_card(w) -> Card:
        with transaction.atomic():
            return Card.objects.create(
                user_id=card.user_id,
                wave=w,
                scheme=w.scheme,
                scheme_code=w.scheme.code,
                number="4000000000000002",
                offered_at=timezone.now(),
            )

    # then the database refuses it; a card of another scheme year is another matter
    with pytest.raises(IntegrityError, match="cards_card_one_live_per_scheme_year"):
        second_card(second_run.wave)
    other_year, _ = wave(scheme="2020", commit=False)
    assert second_card(other_year).scheme_code == "2020"
