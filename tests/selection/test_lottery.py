"""The draw: quotas filled exactly, tiers first, the same seed giving the same list."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction

from bekal.programmes.models import Scheme, WaveApplication, WaveTier
from bekal.programmes.selectors import get_current_scheme
from bekal.programmes.services import TierInput
from bekal.selection import lottery, services
from bekal.selection.eligibility import closing_date
from bekal.selection.models import SelectionOutcome
from tests.selection.factories import (
    Person,
    admin,
    close,
    exclusion_list,
    join,
    selected_ids,
    wave,
)

pytestmark = pytest.mark.django_db

#: Kota Bengkulu and Kabupaten Rejang Lebong (Bengkulu), Kabupaten Bekasi (Jawa Barat).
KOTA_BENGKULU, REJANG_LEBONG, BEKASI = "17.71", "17.02", "32.16"


def run_wave(w, run):
    close(w)
    return services.run_selection(run=run, actor=admin())


def selected_by_regency(run) -> Counter:
    return Counter(run.outcomes.filter(selected=True).values_list("regency_id", flat=True))


def test_the_national_quota_is_filled_exactly_when_more_are_eligible():
    # given 40 eligible applicants and 25 places
    w, run = wave(national_quota=25)
    join(w, [Person() for _ in range(40)] + [Person(age=17) for _ in range(5)])

    run = run_wave(w, run)

    # then exactly 25 are selected, all eligible; the applications say so once published
    assert run.outcomes.filter(selected=True).count() == 25
    assert not run.outcomes.filter(selected=True, eligible=False).exists()
    assert not WaveApplication.objects.filter(wave=w, selected__isnull=False).exists()
    services.publish_run(run=services.review_run(run=run, actor=admin()), actor=admin())
    assert WaveApplication.objects.filter(wave=w, selected=True).count() == 25
    assert WaveApplication.objects.filter(wave=w, selected=False).count() == 20


def test_regional_quotas_are_respected_exactly_and_small_regions_get_everyone():
    # given a regency capped at 10 with 30 applicants, a province capped at 12 whose
    # regencies have 20 applicants, and a regency capped at 50 with only 6 applicants
    w, run = wave(
        national_quota=100,
        quotas=[(BEKASI, 10), ("17", 12)],
    )
    join(w, [Person(regency=BEKASI) for _ in range(30)])
    join(w, [Person(regency=KOTA_BENGKULU) for _ in range(12)])
    join(w, [Person(regency=REJANG_LEBONG) for _ in range(8)])
    join(w, [Person(regency="31.71") for _ in range(6)])

    run = run_wave(w, run)

    # then each capped region gets exactly its cap, and the uncapped all its applicants
    by_regency = selected_by_regency(run)
    assert by_regency[BEKASI] == 10
    assert by_regency[KOTA_BENGKULU] + by_regency[REJANG_LEBONG] == 12
    assert by_regency["31.71"] == 6
    assert run.counts["provinces"]["17"]["selected"] == 12
    assert run.counts["national"]["selected"] == 28


def test_the_national_quota_binds_alongside_the_regional_ones():
    # given a capped regency and an uncapped one, more applicants than the nation takes
    w, run = wave(national_quota=15, quotas=[(BEKASI, 5)])
    join(w, [Person(regency=BEKASI) for _ in range(20)])
    join(w, [Person(regency=KOTA_BENGKULU) for _ in range(20)])

    run = run_wave(w, run)

    by_regency = selected_by_regency(run)
    assert sum(by_regency.values()) == 15
    assert by_regency[BEKASI] <= 5
    assert by_regency[KOTA_BENGKULU] == 15 - by_regency[BEKASI]


def test_a_region_with_a_quota_of_zero_gets_nobody():
    w, run = wave(national_quota=10, quotas=[(BEKASI, 0)])
    join(w, [Person(regency=BEKASI) for _ in range(5)] + [Person() for _ in range(3)])

    run = run_wave(w, run)

    assert selected_by_regency(run) == Counter({KOTA_BENGKULU: 3})


def test_higher_tiers_are_selected_first():
    # given tiers: 1 laid-off workers reported by the ministry, 2 no other social
    # assistance, 3 a named district; and applicants of each kind plus some of none
    laid_off_people = [Person() for _ in range(4)]
    assisted = [Person() for _ in range(10)]
    laid_off = exclusion_list("reported_laid_off", [p.nik for p in laid_off_people])
    exclusion_list("social_assistance", [p.nik for p in assisted])
    district = "32.16.01"
    w, run = wave(
        national_quota=9,
        tiers=[
            TierInput(1, WaveTier.Kind.REPORTED_LAID_OFF, "PHK", exclusion_list=laid_off),
            TierInput(2, WaveTier.Kind.NO_OTHER_SOCIAL_ASSISTANCE, "Tanpa bansos"),
            TierInput(3, WaveTier.Kind.NAMED_DISTRICTS, "Kecamatan", district_codes=[district]),
        ],
    )
    join(w, laid_off_people)  # tier 1 (some are also without assistance: best tier counts)
    join(w, [Person() for _ in range(3)])  # tier 2
    assisted_named = assisted[:4]
    for p in assisted_named:
        p.regency, p.district = "32.16", district
    join(w, assisted_named)  # tier 3 (receive assistance, live in the named district)
    join(w, assisted[4:])  # no tier

    run = run_wave(w, run)

    # then the 9 places go to tier 1 (4), tier 2 (3), then 2 of tier 3; nobody of no tier
    tiers = list(
        SelectionOutcome.objects.filter(run=run, selected=True)
        .order_by("lottery_rank")
        .values_list("tier", flat=True)
    )
    assert tiers == [1, 1, 1, 1, 2, 2, 2, 3, 3]
    assert SelectionOutcome.objects.filter(run=run, eligible=True, tier=None).count() == 6


def test_at_most_the_family_s_places_are_selected_within_one_wave():
    # given three members of one family in one wave, with places for everyone
    w, run = wave(national_quota=50)
    kk = "3216010101200009"
    family = join(w, [Person(kk=kk) for _ in range(3)])
    join(w, [Person() for _ in range(5)])

    run = run_wave(w, run)

    chosen = set(selected_ids(run))
    assert len(chosen & {a.pk for a in family}) == 2
    assert len(chosen) == 7


def test_the_same_seed_and_inputs_give_the_same_list_and_another_seed_another_order():
    # given a run with more eligible applicants than places
    w, run = wave(national_quota=20, quotas=[(BEKASI, 5)])
    join(w, [Person() for _ in range(30)] + [Person(regency=BEKASI) for _ in range(10)])
    run = run_wave(w, run)
    first = selected_ids(run)
    seed = bytes.fromhex(run.seed)

    def draw(with_seed: bytes) -> list[int]:
        with transaction.atomic():
            SelectionOutcome.objects.filter(run=run).delete()
            lottery.select_applicants(run=run, wave=w, seed=with_seed, day=closing_date(w))
            return selected_ids(run)

    # when the draw is made again with the same seed, and with another
    again = draw(seed)
    other = draw(bytes(32))

    # then the same seed gives the very same list; another gives another order
    assert again == first
    assert other != first
    assert len(other) == 20


def test_a_tier_counts_list_entries_valid_on_the_closing_date_only():
    # given a laid-off worker whose entry ended before the wave closes, and someone whose
    # social assistance ended then too (under 2023 assistance does not exclude)
    laid_off_person, formerly_assisted, assisted = Person(), Person(), Person()
    laid_off = exclusion_list(
        "reported_laid_off", [laid_off_person.nik], valid_to=dt.date(2019, 1, 1)
    )
    exclusion_list("social_assistance", [formerly_assisted.nik], valid_to=dt.date(2019, 1, 1))
    exclusion_list("social_assistance", [assisted.nik])
    w, run = wave(
        national_quota=10,
        tiers=[
            TierInput(1, WaveTier.Kind.REPORTED_LAID_OFF, "PHK", exclusion_list=laid_off),
            TierInput(2, WaveTier.Kind.NO_OTHER_SOCIAL_ASSISTANCE, "Tanpa bansos"),
        ],
    )
    laid_off_application, formerly_assisted_application, assisted_application = join(
        w, [laid_off_person, formerly_assisted, assisted]
    )

    run = run_wave(w, run)

    # then the ended entries count for nothing: no laid-off tier, no assistance received
    tiers = dict(run.outcomes.values_list("application_id", "tier"))
    assert tiers[laid_off_application.pk] == 2
    assert tiers[formerly_assisted_application.pk] == 2
    assert tiers[assisted_application.pk] is None


def test_a_family_whose_first_ranked_member_lives_in_a_full_regency_keeps_both_places():
    # given Kabupaten Bekasi with one place, taken by a laid-off worker of the first tier;
    # a family of three whose first-ranked member (second tier) lives in Bekasi and whose
    # two others (no tier) live in Kota Bengkulu, which has room for everybody
    first, bekasi_member = Person(regency=BEKASI), Person(regency=BEKASI)
    kk = "3216010101200077"
    bekasi_member.kk = kk
    tier_one = exclusion_list("reported_laid_off", [first.nik])
    tier_two = exclusion_list("reported_laid_off", [bekasi_member.nik])
    w, run = wave(
        national_quota=50,
        quotas=[(BEKASI, 1)],
        tiers=[
            TierInput(1, WaveTier.Kind.REPORTED_LAID_OFF, "PHK 1", exclusion_list=tier_one),
            TierInput(2, WaveTier.Kind.REPORTED_LAID_OFF, "PHK 2", exclusion_list=tier_two),
        ],
    )
    first_application, stopped = join(w, [first, bekasi_member])
    relatives = join(w, [Person(kk=kk, regency=KOTA_BENGKULU) for _ in range(2)])

    run = run_wave(w, run)

    # then Bekasi's place goes to the first tier; the family member stopped there uses no
    # family place, so both relatives in Kota Bengkulu are selected
    outcomes = {o.application_id: o for o in run.outcomes.all()}
    assert outcomes[stopped.pk].lottery_rank == 2
    assert outcomes[first_application.pk].selected
    assert not outcomes[stopped.pk].selected
    assert all(outcomes[a.pk].selected for a in relatives)
    assert outcomes[stopped.pk].household == outcomes[relatives[0].pk].household
    assert selected_by_regency(run) == Counter({BEKASI: 1, KOTA_BENGKULU: 2})

    # and the published list is what anyone recomputes from the published inputs
    run = services.publish_run(run=services.review_run(run=run, actor=admin()), actor=admin())
    out = io.StringIO()
    call_command("verify_selection", str(w.number), stdout=out)
    assert out.getvalue().startswith("MATCH: 3 selected")


def test_the_no_other_assistance_tier_reads_the_scheme_s_social_assistance_window():
    # given a scheme that does not exclude assisted people but whose window for other
    # social assistance ran from 31 March 2020 to 31 December 2021
    Scheme.objects.filter(pk=get_current_scheme(code="2023").pk).update(
        excludes_social_assistance_recipients=False,
        social_assistance_from=dt.date(2020, 3, 31),
        social_assistance_to=dt.date(2021, 12, 31),
    )
    # and someone assisted in 2021 only, someone assisted only since 2022 (after the
    # window, still on the list when the wave closes), and someone never assisted
    in_window, after_window, never = Person(), Person(), Person()
    exclusion_list(
        "social_assistance",
        [in_window.nik],
        valid_from=dt.date(2021, 1, 1),
        valid_to=dt.date(2021, 12, 31),
    )
    exclusion_list("social_assistance", [after_window.nik], valid_from=dt.date(2022, 1, 1))
    w, run = wave(
        national_quota=10,
        tiers=[TierInput(1, WaveTier.Kind.NO_OTHER_SOCIAL_ASSISTANCE, "Tanpa bansos")],
    )
    in_window_application, after_window_application, never_application = join(
        w, [in_window, after_window, never]
    )

    run = run_wave(w, run)

    # then the tier follows the window, as the eligibility rule does, not the closing date
    tiers = dict(run.outcomes.values_list("application_id", "tier"))
    assert tiers[in_window_application.pk] is None
    assert tiers[after_window_application.pk] == 1
    assert tiers[never_application.pk] == 1
