"""Instalments from the scheme's incentive schedule, and when they fall due.

Set-based, as every job that touches all card holders: `create_instalments` writes the
missing rows of every active card in one INSERT ... SELECT; `make_instalments_due` finds
the instalments whose condition is met (the first: a training completed with its
certificate and reviewed; the monthly ones: their date; a survey one: its survey
submitted) and posts them fund -> payable in chunks (bekal.disbursements.postings). The
marketplace sits below this app and cannot call it: the sweep runs every minute
(bekal.disbursements.tasks) and after a review the portal enqueues it at once.

The schedule is the LATEST version of the card's scheme year: the shipped 2023 version 1
had the survey payments wrong (2 x Rp 100,000) and version 2 corrects it; a correction of
the data applies to instalments not yet written, and the version used is kept on each row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from bekal.core.audit import record_event
from bekal.disbursements import postings
from bekal.disbursements.errors import SurveyInvalidError, SurveyNotOpenError
from bekal.disbursements.models import Instalment, SurveyResponse

#: Days between monthly instalments after the first.
MONTH_DAYS = 30

_CREATE = """
WITH latest AS (
    SELECT DISTINCT ON (code) id, code, incentive_schedule AS s
    FROM programmes_scheme ORDER BY code, version DESC
), wanted AS (
    SELECT c.id AS card_id, c.user_id, l.id AS scheme_id, 'monthly' AS kind, n AS kind_number,
           n AS sequence, (l.s->'monthly'->>'amount')::bigint AS amount
    FROM cards_card c JOIN latest l ON l.code = c.scheme_code
    CROSS JOIN LATERAL generate_series(1, (l.s->'monthly'->>'months')::int) AS n
    WHERE c.status = 'active' {card_filter}
    UNION ALL
    SELECT c.id, c.user_id, l.id, 'survey', n,
           (l.s->'monthly'->>'months')::int + n, (l.s->'survey'->>'amount')::bigint
    FROM cards_card c JOIN latest l ON l.code = c.scheme_code
    CROSS JOIN LATERAL generate_series(1, (l.s->'survey'->>'count')::int) AS n
    WHERE c.status = 'active' {card_filter}
)
INSERT INTO disbursements_instalment
    (card_id, user_id, scheme_id, kind, kind_number, sequence, amount, status,
     failure_code, created_at, updated_at)
SELECT card_id, user_id, scheme_id, kind, kind_number, sequence, amount, 'scheduled', '',
       now(), now()
FROM wanted w
WHERE amount > 0
  AND NOT EXISTS (SELECT 1 FROM disbursements_instalment i WHERE i.card_id = w.card_id)
ON CONFLICT (card_id, sequence) DO NOTHING
"""

#: Instalments whose condition is met, with what posting them needs.
_READY = """
SELECT i.id, i.card_id, i.amount, c.scheme_code
FROM disbursements_instalment i JOIN cards_card c ON c.id = i.card_id
WHERE i.status = 'scheduled' AND c.status = 'active' AND (
    (i.kind = 'monthly' AND i.kind_number = 1 AND EXISTS (
        SELECT 1 FROM marketplace_purchase p
        JOIN marketplace_completion m ON m.purchase_id = p.id AND m.certificate_number <> ''
        JOIN marketplace_review r ON r.purchase_id = p.id
        WHERE p.user_id = i.user_id AND p.status = 'completed'))
    OR (i.kind = 'monthly' AND i.kind_number > 1 AND i.due_on <= %s)
    OR (i.kind = 'survey' AND EXISTS (
        SELECT 1 FROM disbursements_surveyresponse s WHERE s.instalment_id = i.id))
)
ORDER BY c.scheme_code, i.id
"""


def create_instalments(*, card_ids: list[int] | None = None) -> int:
    """Write the instalments of every active card that has none yet; the number written."""
    card_filter = "AND c.id = ANY(%s)" if card_ids is not None else ""
    with connection.cursor() as cursor:
        cursor.execute(
            _CREATE.format(card_filter=card_filter),
            [card_ids, card_ids] if card_ids is not None else [],
        )
        return int(cursor.rowcount)


def cancel_for_revoked_cards() -> int:
    """A revoked card earns nothing more: its instalments not yet due are cancelled."""
    return Instalment.objects.filter(
        status=Instalment.Status.SCHEDULED, card__status="revoked"
    ).update(status=Instalment.Status.CANCELLED, updated_at=timezone.now())


def make_instalments_due(*, now: dt.datetime | None = None) -> int:
    """Post every instalment whose condition is met (see the module); the number made due.
    Each chunk is one transaction; a chunk already taken by a concurrent run is skipped."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with connection.cursor() as cursor:
        cursor.execute(_READY, [today])
        ready = cursor.fetchall()
    size = settings.BEKAL_PAYOUT_BATCH_SIZE
    done = 0
    by_scheme: dict[str, list[tuple[int, int, int]]] = {}
    for instalment_id, card_id, amount, scheme_code in ready:
        by_scheme.setdefault(scheme_code, []).append((instalment_id, card_id, amount))
    for scheme_code, items in by_scheme.items():
        for start in range(0, len(items), size):
            done += _make_chunk_due(scheme_code, items[start : start + size], now, today)
    return done


@transaction.atomic
def _make_chunk_due(
    scheme_code: str, items: list[tuple[int, int, int]], now: dt.datetime, today: dt.date
) -> int:
    ids = list(
        Instalment.objects.select_for_update(skip_locked=True)
        .filter(pk__in=[i for i, _c, _a in items], status=Instalment.Status.SCHEDULED)
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    taken = set(ids)
    items = [item for item in items if item[0] in taken]
    posting = postings.post_due(scheme_code=scheme_code, items=items)
    Instalment.objects.filter(pk__in=ids).update(
        status=Instalment.Status.DUE, due_at=now, due_posting=posting, updated_at=now
    )
    # The first monthly instalment starts the calendar of the others.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE disbursements_instalment o
            SET due_on = %s::date + (o.kind_number - 1) * %s, updated_at = %s
            FROM disbursements_instalment f
            WHERE f.id = ANY(%s) AND f.kind = 'monthly' AND f.kind_number = 1
              AND o.card_id = f.card_id AND o.kind = 'monthly' AND o.kind_number > 1
              AND o.due_on IS NULL
            """,
            [today, MONTH_DAYS, now, ids],
        )
    return len(ids)


SURVEY_QUESTIONS: dict[str, tuple[str, ...]] = {
    "training_useful": ("sangat", "cukup", "kurang", "tidak"),
    "work_status": ("bekerja", "usaha", "mencari", "belum"),
    "skill_used": ("ya", "belum"),
}


@transaction.atomic
def submit_survey(*, user: Any, instalment_id: int, answers: dict[str, str]) -> Instalment:
    """The participant answers a survey: its instalment falls due at the next sweep.
    Answering again changes nothing (one effect)."""
    instalment = (
        Instalment.objects.select_for_update()
        .filter(pk=instalment_id, user=user, kind=Instalment.Kind.SURVEY)
        .first()
    )
    if instalment is None or instalment.status == Instalment.Status.CANCELLED:
        raise SurveyNotOpenError()
    if hasattr(instalment, "survey"):
        return instalment
    clean = {}
    for question, options in SURVEY_QUESTIONS.items():
        value = answers.get(question, "")
        if value not in options:
            raise SurveyInvalidError(field=question)
        clean[question] = value
    # Surveys come in order, after the first incentive has fallen due.
    earlier = Instalment.objects.filter(card=instalment.card, sequence__lt=instalment.sequence)
    if (
        earlier.filter(kind=Instalment.Kind.SURVEY, survey__isnull=True).exists()
        or earlier.filter(
            kind=Instalment.Kind.MONTHLY, kind_number=1, status=Instalment.Status.SCHEDULED
        ).exists()
    ):
        raise SurveyNotOpenError()
    SurveyResponse.objects.create(instalment=instalment, answers=clean)
    record_event(
        action="disbursements.survey_submitted", actor=user, subject_user=user, target=instalment
    )
    return instalment
