"""The eligibility query: the facts of a wave's applicants and the rules over them.

One statement decides a whole wave (services.evaluate_eligibility inserts its rows);
checking one applicant (selectors.check_applicant) runs the very same statement with the
applicant's filter added. The facts are built with the ORM (through other apps' selectors
where they have one, e.g. assessment.passed_user_ids) and compiled to SQL; the rules are
SQL predicates over those facts, declared per scheme year in bekal.programmes.rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce

from bekal.assessment.selectors import passed_user_ids
from bekal.programmes.models import ExclusionEntry, Wave, WaveApplication
from bekal.programmes.rules import RuleSet, rules_for
from bekal.selection.models import RevokedRecipient, SelectionOutcome, SelectionRun

JAKARTA = ZoneInfo("Asia/Jakarta")
_PROFILE = "user__registration_profile__"


def closing_date(wave: Wave) -> dt.date:
    """The day (Asia/Jakarta) the wave closes: ages are counted on it."""
    return wave.closes_at.astimezone(JAKARTA).date()


def valid_on(day: dt.date, prefix: str = "") -> Q:
    """An exclusion entry that counts on `day` (no dates: always)."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def published_selections() -> Any:
    """Outcomes that made someone a recipient: selected in a published run."""
    return SelectionOutcome.objects.filter(selected=True, run__status=SelectionRun.Status.PUBLISHED)


def _facts(wave: Wave, user_id: int | None) -> tuple[str, tuple[Any, ...]]:
    scheme = wave.scheme
    day = closing_date(wave)
    published = published_selections()
    listed = (
        ExclusionEntry.objects.filter(valid_on(day), nik_index=OuterRef(_PROFILE + "nik_index"))
        .order_by("exclusion_list__kind")
        .values_list("exclusion_list__kind", flat=True)
        .distinct()
    )
    family = (
        published.filter(
            application__user__registration_profile__kk_index=OuterRef(_PROFILE + "kk_index")
        )
        .filter(~Q(application__user_id=OuterRef("user_id")))
        .order_by()
        .values("selected")
        .annotate(n=Count("application__user_id", distinct=True))
        .values("n")[:1]
    )
    mine = published.filter(application__user_id=OuterRef("user_id"))
    applicants = WaveApplication.objects.filter(wave_id=wave.pk)
    if user_id is not None:
        applicants = applicants.filter(user_id=user_id)
    facts = applicants.annotate(
        birth_date=F(_PROFILE + "birth_date"),
        closing_date=Value(day, DateField()),
        min_age=Value(scheme.min_age, IntegerField()),
        max_age=Cast(Value(scheme.max_age), IntegerField()),
        identity_status=F(_PROFILE + "identity_check__status"),
        test_passed=Exists(passed_user_ids().filter(user_id=OuterRef("user_id"))),
        in_school=F(_PROFILE + "in_school"),
        in_excluded_occupation=F(_PROFILE + "in_excluded_occupation"),
        listed_kinds=ArraySubquery(listed),
        kk_recipients=Coalesce(Subquery(family, output_field=IntegerField()), 0),
        max_per_kk=Value(scheme.max_recipients_per_kk, IntegerField()),
        earlier_selected=Exists(mine.filter(run__wave__scheme__code__lt=scheme.code)),
        already_selected=Exists(
            mine.filter(run__wave__scheme__code=scheme.code).exclude(run__wave_id=wave.pk)
        ),
        revoked=Exists(RevokedRecipient.objects.filter(user_id=OuterRef("user_id"))),
    ).values(
        "id",
        "user_id",
        "birth_date",
        "closing_date",
        "min_age",
        "max_age",
        "identity_status",
        "test_passed",
        "in_school",
        "in_excluded_occupation",
        "listed_kinds",
        "kk_recipients",
        "max_per_kk",
        "earlier_selected",
        "already_selected",
        "revoked",
    )
    sql, params = facts.query.sql_with_params()
    return sql, tuple(params)


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
