"""The DuckDB reference draws as docs/selection.md defines the draw, like Bekal.

The benchmark's generated waves rarely hold a family split across a full regency; this
case is built for it: the family's first-ranked member is stopped by Kabupaten Bekasi's
quota and must not use one of the family's two places.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bekal.programmes.models import Scheme, WaveTier
from bekal.programmes.selectors import get_current_scheme
from bekal.programmes.services import TierInput
from bekal.selection import services
from bekal.selection.eligibility import closing_date
from bench.selection_reference import compute
from tests.programmes.factories import ensure_shipped_schemes
from tests.selection.factories import Person, admin, close, exclusion_list, join, wave

pytestmark = pytest.mark.django_db

BEKASI, KOTA_BENGKULU = "32.16", "17.71"


def test_the_reference_keeps_both_places_of_a_family_stopped_in_a_full_regency():
    # given Bekasi's one place taken by the first tier, a family member of the second tier
    # in Bekasi and two relatives in Kota Bengkulu, and a few others
    ensure_shipped_schemes()
    first, bekasi_member = Person(regency=BEKASI), Person(regency=BEKASI)
    kk = "3216010101200078"
    bekasi_member.kk = kk
    tier_one = exclusion_list("reported_laid_off", [first.nik])
    tier_two = exclusion_list("reported_laid_off", [bekasi_member.nik])
    w, run = wave(
        national_quota=8,
        quotas=[(BEKASI, 1)],
        tiers=[
            TierInput(1, WaveTier.Kind.REPORTED_LAID_OFF, "PHK 1", exclusion_list=tier_one),
            TierInput(2, WaveTier.Kind.REPORTED_LAID_OFF, "PHK 2", exclusion_list=tier_two),
        ],
    )
    first_application, stopped = join(w, [first, bekasi_member])
    relatives = join(w, [Person(kk=kk, regency=KOTA_BENGKULU) for _ in range(2)])
    join(w, [Person(regency=KOTA_BENGKULU) for _ in range(5)])
    close(w)

    # when Bekal runs the wave and the DuckDB reference recomputes it
    run = services.run_selection(run=run, actor=admin())
    reference = compute(wave=w, seed_hex=run.seed, day=closing_date(w).isoformat())

    # then both select the same applicants at the same ranks, both relatives among them
    bekal = set(run.outcomes.filter(selected=True).values_list("application_id", "lottery_rank"))
    assert reference.selected == bekal
    chosen = {application_id for application_id, _ in bekal}
    assert first_application.pk in chosen and stopped.pk not in chosen
    assert {a.pk for a in relatives} <= chosen
    assert len(chosen) == 8


def test_the_reference_reads_the_no_other_assistance_tier_in_the_scheme_s_window():
    # given a scheme that does not exclude assisted people, whose social-assistance
    # window ran from 31 March 2020 to 31 December 2021, and a wave whose only tier is
    # "no other social assistance"
    ensure_shipped_schemes()
    Scheme.objects.filter(pk=get_current_scheme(code="2023").pk).update(
        excludes_social_assistance_recipients=False,
        social_assistance_from=dt.date(2020, 3, 31),
        social_assistance_to=dt.date(2021, 12, 31),
    )
    in_window, after_window, never = Person(), Person(), Person()
    exclusion_list(
        "social_assistance",
        [in_window.nik],
        valid_from=dt.date(2021, 1, 1),
        valid_to=dt.date(2021, 12, 31),
    )
    exclusion_list("social_assistance", [after_window.nik], valid_from=dt.date(2022, 1, 1))
    w, run = wave(
        national_quota=3,
        tiers=[TierInput(1, WaveTier.Kind.NO_OTHER_SOCIAL_ASSISTANCE, "Tanpa bansos")],
    )
    assisted, _later, _never = join(w, [in_window, after_window, never])
    close(w)

    # when Bekal runs the wave and the DuckDB reference recomputes it
    run = services.run_selection(run=run, actor=admin())
    reference = compute(wave=w, seed_hex=run.seed, day=closing_date(w).isoformat())

    # then both rank the person assisted in the window last (no tier), the same way
    bekal = set(run.outcomes.filter(selected=True).values_list("application_id", "lottery_rank"))
    assert reference.selected == bekal
    assert (assisted.pk, 3) in bekal
