"""Reads of the payouts: the participant's schedule, the back office's batches and break
queue, and the count of incentives paid per region for the dashboards."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, QuerySet, Sum

from bekal.accounts.models import User
from bekal.disbursements.models import (
    Attempt,
    Batch,
    Instalment,
    LinkRequest,
    PayoutAccount,
    ReconciliationItem,
)
from bekal.disbursements.reasons import failure_advice


@dataclass(frozen=True)
class InstalmentView:
    instalment: Instalment
    #: For a failed instalment: why, and the one thing to do (translated).
    why: str = ""
    todo: str = ""
    survey_open: bool = False


@dataclass(frozen=True)
class IncentiveOverview:
    instalments: list[InstalmentView]
    account: PayoutAccount | None
    pending_link: LinkRequest | None
    awaiting_confirmation: PayoutAccount | None

    @property
    def total(self) -> int:
        return sum(int(v.instalment.amount) for v in self.instalments)

    @property
    def paid(self) -> int:
        return sum(
            int(v.instalment.amount)
            for v in self.instalments
            if v.instalment.status == Instalment.Status.PAID
        )

    @property
    def needs_account(self) -> bool:
        return self.account is None or any(
            v.instalment.status == Instalment.Status.FAILED for v in self.instalments
        )


def get_incentive_overview(*, user: User) -> IncentiveOverview:
    instalments = list(
        Instalment.objects.filter(user=user)
        .exclude(status=Instalment.Status.CANCELLED)
        .select_related("survey")
        .order_by("card_id", "sequence")
    )
    views = []
    first_due = any(
        i.kind == Instalment.Kind.MONTHLY and i.kind_number == 1 and i.status != "scheduled"
        for i in instalments
    )
    next_survey_seen = False
    for i in instalments:
        why, todo = failure_advice(i.failure_code) if i.status == "failed" else ("", "")
        survey_open = False
        if i.kind == Instalment.Kind.SURVEY and not hasattr(i, "survey") and first_due:
            survey_open = not next_survey_seen
            next_survey_seen = True
        views.append(InstalmentView(i, why, todo, survey_open))
    account = PayoutAccount.objects.filter(user=user, status=PayoutAccount.Status.ACTIVE).first()
    waiting = PayoutAccount.objects.filter(
        user=user, status=PayoutAccount.Status.AWAITING_CONFIRMATION
    ).first()
    link = (
        LinkRequest.objects.filter(user=user, status=LinkRequest.Status.PENDING)
        .order_by("-created_at")
        .first()
    )
    return IncentiveOverview(views, account, link, waiting)


def list_batches(*, limit: int = 50) -> QuerySet[Batch]:
    return Batch.objects.select_related("prepared_by", "approved_by").order_by("-pk")[:limit]


def get_batch(*, batch_id: int) -> Batch | None:
    return Batch.objects.select_related("prepared_by", "approved_by").filter(pk=batch_id).first()


def get_batch_outcomes(*, batch: Batch) -> dict[str, int]:
    """How many of the batch's attempts ended in each state."""
    rows = batch.attempts.values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


@dataclass(frozen=True)
class DueSummary:
    count: int
    total: int
    without_account: int


def get_due_summary() -> DueSummary:
    due = Instalment.objects.filter(status=Instalment.Status.DUE, batch__isnull=True)
    totals = due.aggregate(n=Count("pk"), s=Sum("amount"))
    with_account = due.filter(
        user__in=PayoutAccount.objects.filter(status=PayoutAccount.Status.ACTIVE).values("user")
    ).count()
    return DueSummary(totals["n"] or 0, int(totals["s"] or 0), (totals["n"] or 0) - with_account)


def list_breaks(*, limit: int = 200) -> list[ReconciliationItem | Attempt | PayoutAccount]:
    """Every item needing a human: open reconciliation breaks, attempts unknown for long,
    and payout accounts whose close holder name awaits an officer."""
    breaks: list[ReconciliationItem | Attempt | PayoutAccount] = []
    breaks += list(
        ReconciliationItem.objects.filter(resolved_at__isnull=True)
        .exclude(kind=ReconciliationItem.Kind.MATCHED)
        .select_related("attempt", "statement")
        .order_by("pk")[:limit]
    )
    breaks += list(Attempt.objects.filter(status=Attempt.Status.UNKNOWN).order_by("pk")[:limit])
    breaks += list(
        PayoutAccount.objects.filter(status=PayoutAccount.Status.AWAITING_CONFIRMATION)
        .select_related("user")
        .order_by("pk")[:limit]
    )
    return breaks


def count_paid_by_regency(*, since: dt.datetime | None = None) -> dict[str, tuple[int, int]]:
    """Incentives paid per regency/city code: (instalments, rupiah). For the dashboards;
    `paid_at` on the instalment is the moment the provider confirmed it."""
    sql = """
        SELECT d.regency_id, count(*), sum(i.amount)
        FROM disbursements_instalment i
        JOIN registration_profile p ON p.user_id = i.user_id
        JOIN regions_village v ON v.code = p.domicile_village_id
        JOIN regions_district d ON d.code = v.district_id
        WHERE i.status = 'paid' AND (%s::timestamptz IS NULL OR i.paid_at >= %s)
        GROUP BY d.regency_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [since, since])
        return {code: (int(n), int(total)) for code, n, total in cursor.fetchall()}


def count_instalments_by_status() -> dict[str, int]:
    rows = Instalment.objects.values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}
