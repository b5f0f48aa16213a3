"""Reads of the marketplace: the catalogue, a card holder's trainings, the readiness for
the first incentive, a certificate's public check, and a platform's own records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from bekal.accounts.models import User
from bekal.cards.models import Card
from bekal.cards.selectors import get_card, get_card_balance
from bekal.marketplace.errors import (
    CertificateNotFoundError,
    CourseNotFoundError,
    PurchaseNotFoundError,
)
from bekal.marketplace.models import (
    Completion,
    Course,
    CourseSession,
    Format,
    Platform,
    Provider,
    Purchase,
    Review,
)

CATALOGUE_PAGE_SIZE = 20
Sort = Literal["popular", "rating", "price_low", "price_high", "newest"]
SORTS: dict[str, tuple[str, ...]] = {
    "popular": ("-purchase_count", "-pk"),
    "rating": ("-rating_avg", "-review_count", "-pk"),
    "price_low": ("price", "-pk"),
    "price_high": ("-price", "-pk"),
    "newest": ("-decided_at", "-pk"),
}


@dataclass(frozen=True)
class CatalogueFilter:
    query: str = ""
    category: str = ""
    format: str = ""
    #: Rupiah; 0 means no limit.
    max_price: int = 0
    #: A province (2 digits) or regency/city code: where an in-person course is held.
    region: str = ""
    #: Lowest average rating, 1-5; 0 means any.
    min_rating: int = 0
    sort: str = "popular"


def upcoming_sessions(*, now: dt.datetime | None = None) -> QuerySet[CourseSession]:
    now = now or timezone.now()
    return CourseSession.objects.filter(starts_at__gt=now, is_cancelled=False).order_by("starts_at")


def _on_sale() -> QuerySet[Course]:
    return Course.objects.filter(status=Course.Status.APPROVED, platform__is_active=True)


def search_catalogue(
    *, filters: CatalogueFilter, page: int = 1, per_page: int = CATALOGUE_PAGE_SIZE
) -> Page:
    """One page of the published catalogue matching `filters` (Django's Paginator page,
    with `provider`, `platform` and `regency` loaded). A page past the end gives the last."""
    courses = _on_sale().select_related("provider", "platform", "regency__province")
    if filters.query.strip():
        for word in filters.query.split()[:8]:
            courses = courses.filter(
                Q(title__icontains=word)
                | Q(provider__name__icontains=word)
                | Q(description__icontains=word)
            )
    if filters.category:
        courses = courses.filter(category=filters.category)
    if filters.format:
        courses = courses.filter(format=filters.format)
    if filters.max_price > 0:
        courses = courses.filter(price__lte=filters.max_price)
    if filters.region:
        # A region narrows in-person courses to it; online ones are available everywhere.
        region = Q(regency__code=filters.region) | Q(regency__province__code=filters.region)
        courses = courses.filter(~Q(format=Format.OFFLINE) | region)
    if filters.min_rating > 0:
        courses = courses.filter(
            review_count__gt=0, rating_total__gte=F("review_count") * filters.min_rating
        )
    # Unreviewed courses rank as 0 when sorting by rating.
    courses = courses.annotate(
        rating_avg=Case(
            When(review_count=0, then=Value(0.0)),
            default=ExpressionWrapper(
                F("rating_total") * 1.0 / F("review_count"), output_field=FloatField()
            ),
            output_field=FloatField(),
        )
    )
    order = SORTS.get(filters.sort, SORTS["popular"])
    paginator = Paginator(courses.order_by(*order), per_page)
    return paginator.get_page(page)


def get_course(*, course_id: int, now: dt.datetime | None = None) -> Course:
    """A published course with its upcoming sessions (`upcoming`)."""
    course = (
        _on_sale()
        .select_related("provider", "platform", "regency")
        .prefetch_related(
            Prefetch("sessions", queryset=upcoming_sessions(now=now), to_attr="upcoming")
        )
        .filter(pk=course_id)
        .first()
    )
    if course is None:
        raise CourseNotFoundError()
    return course


def list_course_reviews(*, course: Course, limit: int = 10) -> list[Review]:
    return list(course.reviews.select_related("user").order_by("-created_at", "-pk")[:limit])


# --- the card holder ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReadinessStep:
    code: Literal["buy", "complete", "review"]
    done: bool


@dataclass(frozen=True)
class IncentiveReadiness:
    """What a card holder must do before the first incentive: buy a training, complete
    it, and review a completed one. The payouts read `ready`."""

    steps: list[ReadinessStep]

    @property
    def ready(self) -> bool:
        return all(step.done for step in self.steps)

    @property
    def next_step(self) -> ReadinessStep | None:
        return next((step for step in self.steps if not step.done), None)


def get_incentive_readiness(*, user: User) -> IncentiveReadiness:
    # A refunded purchase (its session was cancelled) is not a training bought.
    purchases = Purchase.objects.filter(user=user).exclude(status=Purchase.Status.REFUNDED)
    completed = purchases.filter(status=Purchase.Status.COMPLETED)
    reviewed = completed.filter(Exists(Review.objects.filter(purchase=OuterRef("pk"))))
    return IncentiveReadiness(
        steps=[
            ReadinessStep("buy", purchases.exists()),
            ReadinessStep("complete", completed.exists()),
            ReadinessStep("review", reviewed.exists()),
        ]
    )


def list_purchases(*, user: User) -> list[Purchase]:
    """The person's purchases, newest first (refunded ones too, with their status), with
    course, provider, platform, session, completion and review loaded."""
    return list(
        Purchase.objects.filter(user=user)
        .select_related("course__provider", "platform", "session", "completion", "review")
        .order_by("-paid_at", "-pk")
    )


def get_purchase(*, user: User, purchase_id: int) -> Purchase:
    purchase = (
        Purchase.objects.select_related(
            "course__provider", "platform", "session", "card", "completion", "review"
        )
        .filter(pk=purchase_id, user=user)
        .first()
    )
    if purchase is None:
        raise PurchaseNotFoundError()
    return purchase


@dataclass(frozen=True)
class TrainingOverview:
    """What a card holder's home shows: the card, its balance, the trainings bought
    with their vouchers, sessions, completions and certificates, and what is left to do
    before the first incentive."""

    card: Card | None
    balance: int
    purchases: list[Purchase] = field(default_factory=list)
    readiness: IncentiveReadiness | None = None

    @property
    def upcoming(self) -> list[Purchase]:
        now = timezone.now()
        return sorted(
            (
                p
                for p in self.purchases
                if p.session is not None
                and p.session.ends_at > now
                and p.status not in (Purchase.Status.COMPLETED, Purchase.Status.REFUNDED)
            ),
            key=lambda p: p.session.starts_at,  # type: ignore[union-attr]
        )

    @property
    def completed(self) -> list[Purchase]:
        return [p for p in self.purchases if p.status == Purchase.Status.COMPLETED]

    @property
    def to_review(self) -> list[Purchase]:
        return [p for p in self.completed if not hasattr(p, "review")]


def get_training_overview(*, user: User) -> TrainingOverview:
    card = get_card(user=user)
    if card is None or card.status == Card.Status.OFFERED:
        return TrainingOverview(card=card, balance=0)
    return TrainingOverview(
        card=card,
        balance=get_card_balance(card=card),
        purchases=list_purchases(user=user),
        readiness=get_incentive_readiness(user=user),
    )


# --- certificates -------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateCheck:
    """What the public verification page confirms: nothing that identifies the holder
    beyond the initials printed on the certificate."""

    certificate_number: str
    holder_initials: str
    course: str
    provider: str
    platform: str
    completed_at: dt.datetime


def initials(full_name: str) -> str:
    return " ".join(f"{part[0].upper()}." for part in full_name.split() if part)


def get_certificate_check(*, token: str) -> CertificateCheck:
    completion = (
        Completion.objects.select_related(
            "purchase__course__provider", "purchase__user", "platform"
        )
        .filter(verification_token=token)
        .first()
        if len(token) == 32
        else None
    )
    if completion is None:
        raise CertificateNotFoundError()
    course = completion.purchase.course
    return CertificateCheck(
        certificate_number=completion.certificate_number,
        holder_initials=initials(completion.purchase.user.full_name),
        course=course.title,
        provider=course.provider.name,
        platform=completion.platform.name,
        completed_at=completion.completed_at,
    )


# --- a platform's own records (the partner API) -------------------------------------------


def get_platform_for_client(*, client_id: int) -> Platform | None:
    return Platform.objects.select_related("client").filter(client_id=client_id).first()


def list_platform_providers(*, platform: Platform) -> QuerySet[Provider]:
    return Provider.objects.filter(platform=platform).select_related("regency").order_by("pk")


def list_platform_courses(*, platform: Platform, status: str = "") -> QuerySet[Course]:
    courses = Course.objects.filter(platform=platform).select_related("provider", "regency")
    if status:
        courses = courses.filter(status=status)
    return courses.prefetch_related("sessions").order_by("pk")


def get_platform_course(*, platform: Platform, external_id: str) -> Course:
    course = (
        Course.objects.filter(platform=platform, external_id=external_id)
        .select_related("provider", "regency")
        .prefetch_related("sessions")
        .first()
    )
    if course is None:
        raise CourseNotFoundError()
    return course


def list_platform_vouchers(*, platform: Platform, status: str = "") -> QuerySet[Purchase]:
    vouchers = Purchase.objects.filter(platform=platform).select_related(
        "course", "session", "user", "completion"
    )
    if status:
        vouchers = vouchers.filter(status=status)
    return vouchers.order_by("-paid_at", "-pk")


def get_platform_voucher(*, platform: Platform, voucher_code: str) -> Purchase:
    from bekal.marketplace.errors import VoucherNotFoundError
    from bekal.marketplace.vouchers import normalize_voucher_code

    code = normalize_voucher_code(voucher_code)
    voucher = (
        list_platform_vouchers(platform=platform).filter(voucher_code=code).first()
        if code
        else None
    )
    if voucher is None:
        raise VoucherNotFoundError()
    return voucher


# --- the office -----------------------------------------------------------------------------


def list_courses_for_review(*, status: str = Course.Status.SUBMITTED) -> QuerySet[Course]:
    """Courses in a state, oldest submission first (the approval queue)."""
    return (
        Course.objects.filter(status=status)
        .select_related("provider", "platform", "regency")
        .prefetch_related("sessions")
        .order_by("submitted_at", "pk")
    )
