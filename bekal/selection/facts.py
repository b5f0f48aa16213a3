"""The registrants' eligibility facts (RegistrantFacts), kept in step with what they derive
from, and recounted to find drift.

One row per profile: the domicile regency, the birth date (the age band of any closing
date is a comparison with it), the identity check's status and citizenship, a passed
test, the profile's declarations, the exclusion lists holding the NIK (a bit per list
kind for entries valid on every day; for entries with dates, whose day decides, their
bits and dates as three aligned arrays), the waves whose published run selected the
person, how many of the family (KK) were selected, a revoked card, and the schemes of
which an incentive instalment was paid to the person.

Every change those facts derive from refreshes the rows it touches, in its own
transaction:

  registration  a submitted profile, an identity check restarted or answered
                (fact_keepers.registrants_changed)
  assessment    scored test attempts (fact_keepers.registrants_changed)
  programmes    an imported exclusion list: the NIKs on it, and everyone the list's
                kind marked before (fact_keepers.exclusion_list_replaced)
  disbursements an instalment paid, or its payment returned
                (fact_keepers.registrants_changed)
  selection     a published run: everyone in the selected people's families; a revoked
                card (called directly by bekal.selection.services)

The apps below call bekal.core.fact_keepers by name (no Django signals); the keeper that
calls this module is registered in SelectionConfig.ready. A refresh recomputes whole rows
from the base tables with one set-based statement restricted to the people in scope, so
it is exact whatever changed; `recount_facts` runs the same statement over everyone and
reports (and repairs, if asked) the rows that differ: drift.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from bekal.programmes.rules import LIST_BITS

#: Bit of each exclusion-list kind in RegistrantFacts.listed.
KIND_BITS: dict[str, int] = LIST_BITS

_COLUMNS = (
    "user_id, regency_id, birth_date, identity_status, citizenship, test_passed, in_school,"
    " in_excluded_occupation, listed, dated_bits, dated_from, dated_to, recipient_waves,"
    " family_recipients, revoked, paid_schemes"
)


def _bit_case() -> str:
    whens = " ".join(f"WHEN '{kind}' THEN {bit}" for kind, bit in KIND_BITS.items())
    return f"CASE l.kind {whens} ELSE 0 END"


def computed_sql(scope: str) -> str:
    """SELECT the facts rows, as they should be, of the profiles whose user id is in
    `scope` (a SQL expression selecting user ids; "" for everyone)."""
    where = f"WHERE p.user_id IN ({scope})" if scope else ""
    return f"""
        WITH people AS MATERIALIZED (
            SELECT p.id, p.user_id, p.nik_index, p.kk_index, p.domicile_regency_id,
                   p.birth_date, p.in_school, p.in_excluded_occupation
            FROM registration_profile p {where}
        ),
        entries AS (
            SELECT e.nik_index, e.valid_from, e.valid_to, {_bit_case()} AS bit,
                   e.valid_from IS NOT NULL OR e.valid_to IS NOT NULL AS dated
            FROM programmes_exclusionentry e
            JOIN programmes_exclusionlist l ON l.id = e.exclusion_list_id
            WHERE e.nik_index IN (SELECT nik_index FROM people)
        ),
        listed AS (
            SELECT nik_index,
                   bit_or(CASE WHEN dated THEN 0 ELSE bit END) AS bits,
                   array_agg(bit ORDER BY bit, valid_from, valid_to) FILTER (WHERE dated)
                       AS dated_bits,
                   array_agg(valid_from ORDER BY bit, valid_from, valid_to) FILTER (WHERE dated)
                       AS dated_from,
                   array_agg(valid_to ORDER BY bit, valid_from, valid_to) FILTER (WHERE dated)
                       AS dated_to
            FROM entries GROUP BY nik_index
        ),
        kin AS (
            SELECT q.user_id, q.kk_index FROM registration_profile q
            WHERE q.kk_index IN (SELECT kk_index FROM people)
        ),
        picked AS (
            SELECT a.user_id,
                   array_agg(DISTINCT r.wave_id::integer ORDER BY r.wave_id::integer) AS waves
            FROM selection_selectionoutcome o
            JOIN selection_selectionrun r ON r.id = o.run_id
            JOIN programmes_waveapplication a ON a.id = o.application_id
            WHERE o.selected AND r.status = 'published'
              AND a.user_id IN (SELECT user_id FROM kin)
            GROUP BY a.user_id
        ),
        family AS (
            SELECT k.kk_index, count(*) AS n FROM picked JOIN kin k USING (user_id)
            GROUP BY k.kk_index
        ),
        paid AS (
            SELECT i.user_id, array_agg(DISTINCT s.code ORDER BY s.code) AS codes
            FROM disbursements_instalment i
            JOIN programmes_scheme s ON s.id = i.scheme_id
            WHERE i.status = 'paid' AND i.user_id IN (SELECT user_id FROM people)
            GROUP BY i.user_id
        ),
        passed AS (
            SELECT DISTINCT t.user_id FROM assessment_attempt t
            WHERE t.passed AND t.user_id IN (SELECT user_id FROM people)
        )
        SELECT p.user_id, p.domicile_regency_id AS regency_id, p.birth_date,
               COALESCE(c.status, 'pending') AS identity_status,
               COALESCE(c.citizenship, '') AS citizenship,
               t.user_id IS NOT NULL AS test_passed, p.in_school, p.in_excluded_occupation,
               COALESCE(l.bits, 0) AS listed,
               l.dated_bits, l.dated_from, l.dated_to,
               COALESCE(w.waves, '{{}}') AS recipient_waves,
               COALESCE(f.n, 0)::integer AS family_recipients,
               v.user_id IS NOT NULL AS revoked,
               COALESCE(d.codes, '{{}}') AS paid_schemes
        FROM people p
        LEFT JOIN registration_identitycheck c ON c.profile_id = p.id
        LEFT JOIN passed t ON t.user_id = p.user_id
        LEFT JOIN listed l ON l.nik_index = p.nik_index
        LEFT JOIN picked w ON w.user_id = p.user_id
        LEFT JOIN family f ON f.kk_index = p.kk_index
        LEFT JOIN selection_revokedrecipient v ON v.user_id = p.user_id
        LEFT JOIN paid d ON d.user_id = p.user_id
    """  # noqa: S608 (table names and constants only)


def _refresh(scope: str, params: Sequence[Any]) -> int:
    """Rewrite the facts of the people in `scope` (their profiles' user ids); a person
    in scope without a profile loses their row. Returns the rows written."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO selection_registrantfacts ({_COLUMNS})
            {computed_sql(scope)}
            ON CONFLICT (user_id) DO UPDATE SET
                regency_id = EXCLUDED.regency_id, birth_date = EXCLUDED.birth_date,
                identity_status = EXCLUDED.identity_status,
                citizenship = EXCLUDED.citizenship, test_passed = EXCLUDED.test_passed,
                in_school = EXCLUDED.in_school,
                in_excluded_occupation = EXCLUDED.in_excluded_occupation,
                listed = EXCLUDED.listed, dated_bits = EXCLUDED.dated_bits,
                dated_from = EXCLUDED.dated_from, dated_to = EXCLUDED.dated_to,
                recipient_waves = EXCLUDED.recipient_waves,
                family_recipients = EXCLUDED.family_recipients, revoked = EXCLUDED.revoked,
                paid_schemes = EXCLUDED.paid_schemes
            """,
            list(params),
        )
        written: int = cursor.rowcount
        if scope:
            cursor.execute(
                f"""
                DELETE FROM selection_registrantfacts f
                WHERE f.user_id IN ({scope}) AND NOT EXISTS (
                    SELECT 1 FROM registration_profile p WHERE p.user_id = f.user_id)
                """,  # noqa: S608
                list(params),
            )
    return written


def refresh_users(user_ids: Sequence[int]) -> int:
    """Rewrite the facts of these people (a profile saved, a check answered, a test
    passed, a card revoked)."""
    if not user_ids:
        return 0
    return _refresh("SELECT unnest(%s::bigint[])", [list(user_ids)])


def refresh_after_import(*, exclusion_list_id: int, kind: str) -> int:
    """An exclusion list was imported (its entries replaced): everyone it holds now, and
    everyone its kind, or any dated entry, marked before."""
    return _refresh(
        """
        SELECT p.user_id FROM registration_profile p
        JOIN programmes_exclusionentry e ON e.nik_index = p.nik_index
        WHERE e.exclusion_list_id = %s
        UNION
        SELECT f.user_id FROM selection_registrantfacts f
        WHERE f.listed & %s <> 0 OR f.dated_bits IS NOT NULL
        """,
        [exclusion_list_id, KIND_BITS.get(kind, 0)],
    )


def refresh_after_publication(*, run_id: int) -> int:
    """A run was published: the selected and everyone sharing a family card with them.

    The people are listed first, then refreshed by id: the run's outcomes were written
    moments ago, and a plan built on their stale statistics must not decide the refresh.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT q.user_id FROM registration_profile q
            WHERE q.kk_index IN (
                SELECT p.kk_index FROM selection_selectionoutcome o
                JOIN programmes_waveapplication a ON a.id = o.application_id
                JOIN registration_profile p ON p.user_id = a.user_id
                WHERE o.run_id = %s AND o.selected)
            """,
            [run_id],
        )
        user_ids = [user_id for (user_id,) in cursor.fetchall()]
    return refresh_users(user_ids)


@transaction.atomic
def rebuild_facts() -> int:
    """Write every registrant's facts anew, set-based (after a bulk load that bypassed the
    services); rows without a profile go. Returns the rows written."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            "DELETE FROM selection_registrantfacts f WHERE NOT EXISTS"
            " (SELECT 1 FROM registration_profile p WHERE p.user_id = f.user_id)"
        )
    return _refresh("", [])


@dataclass(frozen=True, slots=True)
class Drift:
    #: Profiles without a facts row.
    missing: int
    #: Facts rows without a profile.
    extra: int
    #: Rows whose facts differ from what the base tables say.
    different: int

    @property
    def total(self) -> int:
        return self.missing + self.extra + self.different


@transaction.atomic
def recount_facts(*, repair: bool = False) -> Drift:
    """Recompute every registrant's facts from the base tables and compare them with the
    stored rows; with `repair`, rewrite what differs. The drift found is returned."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(f"CREATE TEMP TABLE facts_recount ON COMMIT DROP AS {computed_sql('')}")
        cursor.execute(
            """
            SELECT
              count(*) FILTER (WHERE f.user_id IS NULL),
              count(*) FILTER (WHERE r.user_id IS NULL),
              count(*) FILTER (WHERE f.user_id IS NOT NULL AND r.user_id IS NOT NULL
                  AND (r.regency_id, r.birth_date, r.identity_status, r.citizenship,
                       r.test_passed, r.in_school, r.in_excluded_occupation, r.listed,
                       r.dated_bits, r.dated_from, r.dated_to, r.recipient_waves,
                       r.family_recipients, r.revoked, r.paid_schemes)
                  IS DISTINCT FROM
                      (f.regency_id, f.birth_date, f.identity_status, f.citizenship,
                       f.test_passed, f.in_school, f.in_excluded_occupation, f.listed,
                       f.dated_bits, f.dated_from, f.dated_to, f.recipient_waves,
                       f.family_recipients, f.revoked, f.paid_schemes))
            FROM facts_recount r FULL JOIN selection_registrantfacts f USING (user_id)
            """
        )
        missing, extra, different = cursor.fetchone()
        drift = Drift(missing=missing, extra=extra, different=different)
        if repair and drift.total:
            cursor.execute(
                "DELETE FROM selection_registrantfacts f WHERE NOT EXISTS"
                " (SELECT 1 FROM registration_profile p WHERE p.user_id = f.user_id)"
            )
            _refresh("", [])
        cursor.execute("DROP TABLE facts_recount")
    return drift
