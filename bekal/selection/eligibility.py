"""The eligibility query: the facts of a wave's applicants and the rules over them.

One statement decides a whole wave (services.evaluate_eligibility writes its rows);
checking one applicant (selectors.check_applicant) runs the very same statement with the
applicant's filter added; a preview of a draft rule over every registrant
(selectors.preview_eligibility) is the same rules over the same facts, counted by region.
The rules are SQL predicates over one row of facts, declared per scheme year in
bekal.programmes.rules.

The facts are read from RegistrantFacts (bekal.selection.facts keeps one narrow row per
registrant in step with the data it derives from): a wave is one scan of its
applications joined to their facts rows, a preview one scan of the facts table alone.
Per row:

  listed_bits         the facts' undated list kinds, or'ed with the dated entries valid
                      on the closing date (only rows with dated entries unnest them)
  assisted_in_window  a social-assistance entry in the scheme's window (assistance_window:
                      "during the pandemic", never after the closing date)
  latest_birth_date, earliest_birth_date
                      the closing date's bounds for the ages (age() semantics)
  earlier_selected, earlier_paid, already_selected
                      the waves that selected the person against the published waves of
                      earlier scheme years, and of this year's other waves
  kk_recipients       the *other* people of the KK who were selected (the family's count,
                      less one when the applicant is among them)

The statements run without JIT (services sets it per transaction): compiling the rules'
long expressions costs more than running them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from bekal.programmes.models import ExclusionList, Scheme, Wave
from bekal.programmes.rules import LIST_BITS, RuleSet, rules_for
from bekal.selection.models import SelectionOutcome, SelectionRun

JAKARTA = ZoneInfo("Asia/Jakarta")


def closing_date(wave: Wave) -> dt.date:
    """The day (Asia/Jakarta) the wave closes: ages are counted on it."""
    return wave.closes_at.astimezone(JAKARTA).date()


def assistance_window(scheme: Scheme, day: dt.date) -> tuple[dt.date, dt.date]:
    """The days on which a social-assistance entry excludes under `scheme` in a wave
    closing on `day`: the scheme's window ("during the pandemic"), never after `day`;
    without a window, `day` alone."""
    start = scheme.social_assistance_from or day
    end = min(scheme.social_assistance_to or day, day)
    return start, end


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


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier; 28 February for a 29th (as PostgreSQL's
    date - interval does, so the bounds agree with its age())."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _kinds_of(bits: str) -> str:
    """SQL: the kinds of the bits set in `bits`, in name order (text[])."""
    cases = ", ".join(
        f"CASE WHEN {bits} & {LIST_BITS[kind]} <> 0 THEN '{kind}' END" for kind in sorted(LIST_BITS)
    )
    return f"array_remove(ARRAY[{cases}]::text[], NULL)"


def _facts(
    scheme: Scheme, day: dt.date, *, wave_id: int | None, user_id: int | None = None
) -> tuple[str, str, tuple[Any, ...]]:
    """The facts rows: of the wave's applicants (`wave_id`, narrowed to `user_id` if
    given), or of every registrant (`wave_id` None: a preview). Returns the WITH clause
    ("" for a preview), the SELECT that uses it (a subquery without CTEs of its own, which
    the planner flattens into the rules' query) and the parameters."""
    s = _Statement()
    window_from, window_to = assistance_window(scheme, day)
    # The placeholders are positional: each piece below is written, and its values are
    # appended, in the order the pieces appear in the statement.
    if wave_id is not None:
        wave_filter = f"a.wave_id = {s.param(wave_id)}"
        if user_id is not None:
            wave_filter += f" AND a.user_id = {s.param(user_id)}"
        applicants = f"""
            SELECT a.id, a.user_id FROM programmes_waveapplication a WHERE {wave_filter}
        """  # noqa: S608 (placeholders only)
    else:
        applicants = ""
    sa_bit = LIST_BITS[ExclusionList.Kind.SOCIAL_ASSISTANCE]
    # The dated entries' arrays, read by functions of the facts migration (no correlated
    # subquery: the scan of the facts table may run in parallel).
    dated = "f.dated_bits, f.dated_from, f.dated_to"
    waves = Wave.objects.filter(selection_run__status="published")
    if wave_id is not None:
        waves = waves.exclude(pk=wave_id)
    earlier = [w for w, code in waves.values_list("pk", "scheme__code") if code < scheme.code]
    earlier_codes = sorted(
        set(Scheme.objects.filter(code__lt=scheme.code).values_list("code", flat=True))
    )
    same_year = list(waves.filter(scheme__code=scheme.code).values_list("pk", flat=True))
    latest_birth = years_before(day, scheme.min_age)
    earliest_birth = (
        None
        if scheme.max_age is None
        else years_before(day, scheme.max_age + 1) + dt.timedelta(days=1)
    )
    # A wave's applicants join their facts rows; a preview reads every row of the table
    # and nothing else. Only rows with dated entries unnest them (CASE: the others skip).
    if applicants:
        ctes = f"WITH applicants AS NOT MATERIALIZED ({applicants})"
        keys = "a.id, a.user_id"
        rows = "applicants a LEFT JOIN selection_registrantfacts f ON f.user_id = a.user_id"
    else:
        ctes = ""
        keys = "f.user_id AS id, f.user_id"
        rows = "selection_registrantfacts f"
    facts = f"""
        SELECT {keys}, f.regency_id, f.birth_date,
               {s.param(day)}::date AS closing_date,
               {s.param(scheme.min_age)}::integer AS min_age,
               {s.param(scheme.max_age)}::integer AS max_age,
               {s.param(latest_birth)}::date AS latest_birth_date,
               {s.param(earliest_birth)}::date AS earliest_birth_date,
               f.identity_status, f.citizenship,
               COALESCE(f.test_passed, false) AS test_passed,
               f.in_school, f.in_excluded_occupation,
               COALESCE(f.listed, 0) | CASE WHEN f.dated_bits IS NULL THEN 0
                   ELSE selection_dated_bits({dated}, {s.param(day)}) END AS listed_bits,
               COALESCE(f.listed & {sa_bit} <> 0, false) OR CASE
                   WHEN f.dated_bits IS NULL THEN false
                   ELSE selection_dated_overlap({dated}, {sa_bit}, {s.param(window_from)},
                                                {s.param(window_to)}) END
                   AS assisted_in_window,
               COALESCE(f.family_recipients, 0)
                   - CASE WHEN cardinality(f.recipient_waves) > 0 THEN 1 ELSE 0 END
                   AS kk_recipients,
               {s.param(scheme.max_recipients_per_kk)}::integer AS max_per_kk,
               COALESCE(f.recipient_waves && {s.param(earlier)}::integer[], false)
                   AS earlier_selected,
               COALESCE(f.paid_schemes && {s.param(earlier_codes)}::varchar[], false)
                   AS earlier_paid,
               COALESCE(f.recipient_waves && {s.param(same_year)}::integer[], false)
                   AS already_selected,
               COALESCE(f.revoked, false) AS revoked
        FROM {rows}
    """  # noqa: S608 (constants and placeholders only)
    return ctes, facts, tuple(s.params)


def decisions_sql(wave: Wave, rules: RuleSet, *, user_id: int | None = None) -> tuple[str, tuple]:
    """SELECT application_id, user_id, reasons, inputs: one row per applicant (of the wave,
    or only `user_id`'s application)."""
    ctes, base, params = _facts(wave.scheme, closing_date(wave), wave_id=wave.pk, user_id=user_id)
    failed = ", ".join(
        f"CASE WHEN ({rule.fails_when}) THEN '{rule.code}' END" for rule in rules.rules
    )
    inputs = ", ".join(f"'{name}', f.{name}" for name in ["closing_date", *rules.inputs])
    sql = f"""
        {ctes}
        SELECT f.id AS application_id, f.user_id,
               array_remove(ARRAY[{failed}]::text[], NULL) AS reasons,
               jsonb_build_object({inputs}) AS inputs
        FROM (
            SELECT b.*, date_part('year', age(b.closing_date, b.birth_date))::int AS age,
                   {_kinds_of("b.listed_bits")} AS listed_kinds
            FROM ({base}) b
        ) f
    """  # noqa: S608 (rule predicates are code, not input)
    return sql, params


def preview_sql(scheme: Scheme, day: dt.date, rules: RuleSet) -> tuple[str, tuple]:
    """SELECT regency_id, registrants, eligible: every registrant's facts under `scheme`
    (saved or a draft) for a wave closing on `day`, counted by regency/city."""
    ctes, base, params = _facts(scheme, day, wave_id=None)
    failing = " OR ".join(f"COALESCE(({rule.fails_when}), false)" for rule in rules.rules)
    sql = f"""
        {ctes}
        SELECT f.regency_id, count(*), count(*) FILTER (WHERE NOT ({failing}))
        FROM ({base}) f GROUP BY f.regency_id
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
