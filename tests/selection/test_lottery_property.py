"""The draw against a plain transcription of its written semantics, on random cases.

docs/selection.md ("The draw, exactly"): applicants are taken one at a time in lottery
order (tier, no tier last, then sha256(seed || pseudonym), then the pseudonym); one is
selected if, at that moment, their family has fewer selected than its places and their
regency, their province and the nation have fewer selected than their quotas.

Each generated case fills the draw's input table (bekal.selection.lottery.BASE_TABLE: one
row per applicant, as the wave's SQL writes it) and runs the production `draw`: the SQL
ranking, the streamed pass over a server-side cursor and the COPY back. The reference
below is written from the sentence above and nothing else.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bekal.selection import lottery

pytestmark = pytest.mark.django_db

#: Three regencies in Bengkulu (17), two in Jawa Barat (32), one in DKI Jakarta (31).
REGENCIES = ["17.71", "17.02", "17.03", "32.16", "32.75", "31.71"]
PROVINCES = sorted({code[:2] for code in REGENCIES})
FAMILIES = [f"keluarga{n}" for n in range(6)]


@dataclass(frozen=True)
class Applicant:
    application_id: int
    regency: str
    household: str
    eligible: bool
    tier: int | None


@dataclass(frozen=True)
class Case:
    seed: bytes
    applicants: list[Applicant]
    places: dict[str, int]
    regency_quotas: dict[str, int]
    province_quotas: dict[str, int]
    national_quota: int


def _quotas(codes: list[str], most: int) -> st.SearchStrategy[dict[str, int]]:
    return st.dictionaries(st.sampled_from(codes), st.integers(0, most), max_size=len(codes))


def _applicant(index: int, n: int) -> Applicant:
    """An applicant from one drawn number (one draw each keeps thousands of cases quick):
    its regency, family, eligibility and tier are digits of `n` in mixed bases."""
    n, regency = divmod(n, len(REGENCIES))
    n, family = divmod(n, len(FAMILIES) + 2)
    n, eligible = divmod(n, 4)
    n, tier = divmod(n, 4)
    application_id = 100 * n + index + 1  # unique: the index is in the last two digits
    return Applicant(
        application_id=application_id,
        regency=REGENCIES[regency],
        # most belong to one of a few families; some live alone
        household=FAMILIES[family] if family < len(FAMILIES) else f"sendiri{application_id}",
        eligible=eligible != 0,
        tier=tier or None,
    )


@st.composite
def cases(draw: st.DrawFn) -> Case:
    numbers = draw(st.lists(st.integers(0, 2**40), max_size=30))
    applicants = [_applicant(index, n) for index, n in enumerate(numbers)]
    households = sorted({a.household for a in applicants})
    places = dict(
        zip(households, draw(st.lists(st.integers(0, 2), min_size=len(households),
                                      max_size=len(households))), strict=True)
    )  # fmt: skip
    return Case(
        seed=draw(st.binary(min_size=32, max_size=32)),
        applicants=applicants,
        places=places,
        regency_quotas=draw(_quotas(REGENCIES, 4)),
        province_quotas=draw(_quotas(PROVINCES, 6)),
        national_quota=draw(st.integers(0, 25)),
    )


def reference(case: Case) -> list[int]:
    """The written semantics, transcribed: the selected ids in lottery order."""

    def order(a: Applicant) -> tuple[int, bytes, str]:
        pseudonym = str(a.application_id)
        key = hashlib.sha256(case.seed + pseudonym.encode("utf-8")).digest()
        return (lottery.NO_TIER if a.tier is None else a.tier, key, pseudonym)

    selected: list[Applicant] = []
    for a in sorted((a for a in case.applicants if a.eligible), key=order):
        family = sum(1 for s in selected if s.household == a.household)
        regency = sum(1 for s in selected if s.regency == a.regency)
        province = sum(1 for s in selected if s.regency[:2] == a.regency[:2])
        if (
            family < case.places[a.household]
            and regency < case.regency_quotas.get(a.regency, len(case.applicants) + 1)
            and province < case.province_quotas.get(a.regency[:2], len(case.applicants) + 1)
            and len(selected) < case.national_quota
        ):
            selected.append(a)
    return [a.application_id for a in selected]


def production(case: Case) -> tuple[list[int], list[int]]:
    """The production draw on the case: (chosen ids as written back, in lottery order;
    the eligible ids in the ranked table's order)."""
    rows = case.applicants
    with connection.cursor() as cursor:
        lottery.prepare_tables(cursor)
        cursor.execute(
            f"INSERT INTO {lottery.BASE_TABLE} SELECT * FROM unnest("  # noqa: S608
            "%s::bigint[], %s::text[], %s::text[], %s::text[], %s::boolean[], %s::int[],"
            " %s::text[], %s::int[])",
            [
                [a.application_id for a in rows],
                [str(a.application_id) for a in rows],
                [a.regency for a in rows],
                [a.regency[:2] for a in rows],
                [a.eligible for a in rows],
                [a.tier for a in rows],
                [a.household for a in rows],
                [case.places[a.household] for a in rows],
            ],
        )
        lottery.draw(
            cursor,
            seed=case.seed,
            regency_quotas=case.regency_quotas,
            province_quotas=case.province_quotas,
            national_quota=case.national_quota,
        )
        cursor.execute(
            f"SELECT c.application_id FROM {lottery.CHOSEN_TABLE} c"  # noqa: S608
            f" JOIN {lottery.RANKED_TABLE} k USING (application_id) ORDER BY k.lottery_rank"
        )
        chosen = [application_id for (application_id,) in cursor.fetchall()]
        cursor.execute(
            f"SELECT application_id FROM {lottery.RANKED_TABLE} ORDER BY lottery_rank"  # noqa: S608
        )
        ranked = [application_id for (application_id,) in cursor.fetchall()]
    return chosen, ranked


@settings(
    max_examples=2_000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=cases())
def test_the_draw_selects_exactly_whom_the_written_semantics_select(case):
    chosen, ranked = production(case)

    expected = reference(case)
    assert chosen == expected
    # every eligible applicant is ranked, nobody else; the selected keep their order
    assert sorted(ranked) == sorted(a.application_id for a in case.applicants if a.eligible)
    assert [i for i in ranked if i in set(expected)] == expected
