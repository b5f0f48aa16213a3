"""The eligibility query: the facts of a wave's applicants and the rules over them.

One statement decides a whole wave (services.evaluate_eligibility writes its rows);
checking one applicant (selectors.check_applicant) runs the very same statement with the
applicant's filter added. The rules are SQL predicates over one row of facts, declared
per scheme year in bekal.programmes.rules.

The facts are set-based: each kind of fact is one grouped set, joined to the applicants
by their NIK or KK blind index or their user id (hash joins for a wave), never a
subquery evaluated per applicant:

  applicants  the wave's applications with their profile and identity check
  listed      per NIK: the kinds of the lists holding it on the closing date
  assisted    the NIKs on a social-assistance list on a day of the scheme's window
              (assistance_window: "during the pandemic", never after the closing date)
  recipients  per person selected in a published run: whether in an earlier scheme
              year, whether in another wave of this scheme year
  family      per KK: how many people of it were selected in published runs
  passed      the people who passed the test (assessment's passed_user_ids)
  revoked     the people whose card was revoked

Each set is restricted to the applicants' own NIKs, KKs or user ids (`IN (SELECT ...
FROM applicants)`), so it aggregates only what the applicants can match. For a wave the
lists are read once and probed against the applicants' NIKs; for one applicant that
restriction is one NIK, one KK and one user id, and PostgreSQL reads a handful of rows
through their indexes.

`kk_recipients` counts the *other* people of the applicant's KK who were selected: the
family's count, less one when the applicant is among them.

The statements run without JIT (services sets it per transaction): compiling the rules'
long expressions costs more than running them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet

from bekal.assessment.selectors import passed_user_ids
from bekal.programmes.models import ExclusionEntry, ExclusionList, Scheme, Wave, WaveApplication
from bekal.programmes.rules import RuleSet, rules_for
from bekal.registration.models import IdentityCheck, Profile
from bekal.selection.models import RevokedRecipient, SelectionOutcome, SelectionRun

JAKARTA = ZoneInfo("Asia/Jakarta")


def closing_date(wave: Wave) -> dt.date:
    """The day (Asia/Jakarta) the wave closes: ages are counted on it."""
    return wave.closes_at.astimezone(JAKARTA).date()


def valid_on(day: dt.date, prefix: str = "") -> Q:
    """An exclusion entry that counts on `day` (no dates: always)."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def assistance_window(scheme: Scheme, day: dt.date) -> tuple[dt.date, dt.date]:
    """The days on which a social-assistance entry excludes under `scheme` in a wave
    closing on `day`: the scheme's window ("during the pandemic"), never after `day`;
    without a window, `day` alone."""
    start = scheme.social_assistance_from or day
    end = min(scheme.social_assistance_to or day, day)
    return start, end


def overlaps(start: dt.date, end: dt.date, prefix: str = "") -> Q:
    """An exclusion entry valid on at least one day from `start` to `end`."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": end})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": start})
    )


def published_selections() -> Any:
    """Outcomes that made someone a recipient: selected in a published run."""
    return SelectionOutcome.objects.filter(selected=True, run__status=SelectionRun.Status.PUBLISHED)


class _Statement:
    """SQL text and its positional parameters, written in the order they appear."""

    def __init__(self) -> None:
        self.params: list[Any] = []

    def param(self, value: Any) -> str:
        self.params.append(value)
        return "%s"

    def query(self, queryset: QuerySet[Any, Any]) -> str:
        sql, params = queryset.query.sql_with_params()
        self.params.extend(params)
        return sql


def _facts(wave: Wave, user_id: int | None) -> tuple[str, tuple[Any, ...]]:
    scheme = wave.scheme
    day = closing_date(wave)
    s = _Statement()
    application = WaveApplication._meta.db_table
    profile = Profile._meta.db_table
    check = IdentityCheck._meta.db_table
    revoked = RevokedRecipient._meta.db_table
    # The placeholders are positional: each piece below is written, and its values are
    # appended, in the order the pieces appear in the statement.
    wave_filter = f"a.wave_id = {s.param(wave.pk)}"
    if user_id is not None:
        wave_filter += f" AND a.user_id = {s.param(user_id)}"
    applicants = f"""
        SELECT a.id, a.user_id, p.birth_date, c.status AS identity_status,
               c.citizenship, p.in_school,
               p.in_excluded_occupation, p.nik_index, p.kk_index
        FROM {application} a
        LEFT JOIN {profile} p ON p.user_id = a.user_id
        LEFT JOIN {check} c ON c.profile_id = p.id
        WHERE {wave_filter}
    """  # noqa: S608 (table names and placeholders only)
    entries = s.query(
        ExclusionEntry.objects.filter(valid_on(day)).values(
            "nik_index", kind=F("exclusion_list__kind")
        )
    )
    window_from, window_to = assistance_window(scheme, day)
    assisted = s.query(
        ExclusionEntry.objects.filter(exclusion_list__kind=ExclusionList.Kind.SOCIAL_ASSISTANCE)
        .filter(overlaps(window_from, window_to))
        .values("nik_index")
    )
    selections = s.query(
        published_selections().values(
            user_id=F("application__user_id"),
            earlier=ExpressionWrapper(
                Q(run__wave__scheme__code__lt=scheme.code), output_field=BooleanField()
            ),
            already=ExpressionWrapper(
                Q(run__wave__scheme__code=scheme.code) & ~Q(run__wave_id=wave.pk),
                output_field=BooleanField(),
            ),
        )
    )
    family_selections = s.query(published_selections().values(user_id=F("application__user_id")))
    passed = s.query(passed_user_ids().order_by())
    facts = f"""
        WITH applicants AS NOT MATERIALIZED ({applicants}),
        listed AS (
            SELECT e.nik_index, array_agg(DISTINCT e.kind ORDER BY e.kind) AS kinds
            FROM ({entries}) e
            WHERE e.nik_index IN (SELECT nik_index FROM applicants)
            GROUP BY e.nik_index
        ),
        assisted AS (
            SELECT DISTINCT e.nik_index FROM ({assisted}) e
            WHERE e.nik_index IN (SELECT nik_index FROM applicants)
        ),
        recipients AS (
            SELECT r.user_id, bool_or(r.earlier) AS earlier, bool_or(r.already) AS already
            FROM ({selections}) r
            WHERE r.user_id IN (SELECT user_id FROM applicants)
            GROUP BY r.user_id
        ),
        family AS (
            SELECT p.kk_index, count(DISTINCT r.user_id) AS recipients
            FROM ({family_selections}) r JOIN {profile} p ON p.user_id = r.user_id
            WHERE p.kk_index IN (SELECT kk_index FROM applicants)
            GROUP BY p.kk_index
        ),
        passed AS (
            SELECT DISTINCT t.user_id FROM ({passed}) t
            WHERE t.user_id IN (SELECT user_id FROM applicants)
        ),
        revoked AS (
            SELECT v.user_id FROM {revoked} v
            WHERE v.user_id IN (SELECT user_id FROM applicants)
        )
        SELECT a.id, a.user_id, a.birth_date,
               {s.param(day)}::date AS closing_date,
               {s.param(scheme.min_age)}::integer AS min_age,
               {s.param(scheme.max_age)}::integer AS max_age,
               a.identity_status, a.citizenship,
               t.user_id IS NOT NULL AS test_passed,
               a.in_school, a.in_excluded_occupation,
               COALESCE(l.kinds, '{{}}') AS listed_kinds,
               s.nik_index IS NOT NULL AS assisted_in_window,
               COALESCE(f.recipients - CASE WHEN r.user_id IS NULL THEN 0 ELSE 1 END, 0)
                   AS kk_recipients,
               {s.param(scheme.max_recipients_per_kk)}::integer AS max_per_kk,
               COALESCE(r.earlier, false) AS earlier_selected,
               COALESCE(r.already, false) AS already_selected,
               v.user_id IS NOT NULL AS revoked
        FROM applicants a
        LEFT JOIN listed l ON l.nik_index = a.nik_index
        LEFT JOIN assisted s ON s.nik_index = a.nik_index
        LEFT JOIN family f ON f.kk_index = a.kk_index
        LEFT JOIN recipients r ON r.user_id = a.user_id
        LEFT JOIN passed t ON t.user_id = a.user_id
        LEFT JOIN revoked v ON v.user_id = a.user_id
    """  # noqa: S608 (table names, compiled querysets and placeholders only)
    return facts, tuple(s.params)


def decisions_sql(wave: Wave, rules: RuleSet, *, user_id: int | None = None) -> tuple[str, tuple]:
    """SELECT application_id, user_id, reasons, inputs: one row per applicant (of the wave,
    or only `user_id`'s application)."""
    base, params = _facts(wave, user_id)
    failed = ", ".join(
        f"CASE WHEN ({rule.fails_when}) THEN '{rule.code}' END" for rule in rules.rules
    )
    inputs = ", ".join(f"'{name}', f.{name}" for name in ["closing_date", *rules.inputs])
    sql = f"""
        SELECT f.id AS application_id, f.user_id,
               array_remove(ARRAY[{failed}]::text[], NULL) AS reasons,
               jsonb_build_object({inputs}) AS inputs
        FROM (
            SELECT b.*, date_part('year', age(b.closing_date, b.birth_date))::int AS age
            FROM ({base}) b
        ) f
    """  # noqa: S608 (rule predicates are code, not input)
    return sql, params


@dataclass(frozen=True, slots=True)
class ApplicantDecision:
    application_id: int
    eligible: bool
    reasons: list[str]
    inputs: dict[str, Any]
    scheme_id: int
    scheme_version: int
    rules_version: str


def rules_of(wave: Wave) -> RuleSet:
    return rules_for(wave.scheme)
