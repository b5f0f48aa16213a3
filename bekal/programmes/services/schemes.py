"""Schemes: created once per year, then revised into new immutable versions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from bekal.accounts.models import User
from bekal.core.audit import record_event
from bekal.programmes.errors import (
    SchemeFieldNotRevisableError,
    SchemeInvalidError,
    SchemeUnchangedError,
    SchemeVersionStaleError,
)
from bekal.programmes.models import IncentiveSchedule, Scheme

#: What a revision may change; the code names the scheme and the version is counted.
REVISABLE_FIELDS = (
    "name",
    "valid_from",
    "min_age",
    "max_age",
    "training_balance",
    "max_course_price",
    "incentive_schedule",
    "first_purchase_days",
    "excludes_social_assistance_recipients",
    "social_assistance_from",
    "social_assistance_to",
    "excludes_earlier_recipients",
    "max_recipients_per_kk",
    "test_pass_mark",
    "test_duration_minutes",
    "test_question_count",
)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _validate(scheme: Scheme) -> None:
    try:
        IncentiveSchedule.from_json(scheme.incentive_schedule)
    except ValueError as exc:
        raise SchemeInvalidError(field="incentive_schedule", reason=str(exc)) from None
    try:
        scheme.full_clean(exclude=["revised_by"], validate_unique=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise SchemeInvalidError(field=field, reason=" ".join(messages)) from None
    if scheme.max_age is not None and scheme.max_age < scheme.min_age:
        raise SchemeInvalidError(
            field="max_age", reason=_("the maximum age is below the minimum age")
        )
    window = (scheme.social_assistance_from, scheme.social_assistance_to)
    if None not in window and window[1] < window[0]:  # type: ignore[operator]
        raise SchemeInvalidError(
            field="social_assistance_to",
            reason=_("the social-assistance window ends before it starts"),
        )
    if scheme.test_pass_mark > 100:
        raise SchemeInvalidError(
            field="test_pass_mark", reason=_("the pass mark is a percentage, at most 100")
        )


@transaction.atomic
def create_scheme(*, code: str, actor: User | None, **fields: Any) -> Scheme:
    """Version 1 of a new scheme (a new year)."""
    if Scheme.objects.filter(code=code).exists():
        raise SchemeInvalidError(
            field="code", reason=_("scheme %s exists already; revise it") % code
        )
    unknown = set(fields) - set(REVISABLE_FIELDS)
    if unknown:
        raise SchemeFieldNotRevisableError(field=sorted(unknown)[0])
    scheme = Scheme(code=code, version=1, revised_by=actor, **fields)
    _validate(scheme)
    scheme.save()
    record_event(
        action="programmes.scheme_created",
        actor=actor,
        target=scheme,
        code=code,
        version=1,
        fields={k: _jsonable(v) for k, v in fields.items()},
    )
    return scheme


@transaction.atomic
def revise_scheme(
    *, scheme: Scheme, changes: Mapping[str, Any], actor: User | None, note: str = ""
) -> Scheme:
    """Write the next version of `scheme` with `changes`; the old version stays as it was.

    `scheme` must be the latest version (SchemeVersionStaleError otherwise: two officers
    revising at once cannot silently overwrite each other's change).
    """
    for field in changes:
        if field not in REVISABLE_FIELDS:
            raise SchemeFieldNotRevisableError(field=field)
    # Lock the scheme's versions: concurrent revisions are counted one after the other.
    versions = list(Scheme.objects.select_for_update().filter(code=scheme.code))
    latest = max(v.version for v in versions)
    if scheme.version != latest:
        raise SchemeVersionStaleError(code=scheme.code, latest=latest, version=scheme.version)
    current = model_to_dict(scheme, fields=REVISABLE_FIELDS)
    changed = {k: v for k, v in changes.items() if current[k] != v}
    if not changed:
        raise SchemeUnchangedError()
    revised = Scheme(
        code=scheme.code,
        version=latest + 1,
        revised_by=actor,
        revision_note=note,
        **{**current, **changed},
    )
    _validate(revised)
    revised.save()
    record_event(
        action="programmes.scheme_revised",
        actor=actor,
        target=revised,
        code=scheme.code,
        from_version=scheme.version,
        to_version=revised.version,
        note=note,
        changes={k: [_jsonable(current[k]), _jsonable(v)] for k, v in changed.items()},
    )
    return revised
