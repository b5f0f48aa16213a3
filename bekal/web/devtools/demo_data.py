"""Demo data, built through the same services a person's actions call.

Accounts to log in with; registrants at every step of the journey; a catalogue of
trainings on seven fictional platforms; and card holders, selected in a demo wave, who
bought, completed and reviewed trainings, so the catalogue shows ratings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from bekal.accounts import services as accounts
from bekal.accounts.models import User
from bekal.assessment import services as assessment
from bekal.assessment.models import Option
from bekal.assessment.selectors import has_passed, list_attempt_items
from bekal.cards.models import Card
from bekal.cards.selectors import get_card
from bekal.cards.services import accept_card_terms, publish_results
from bekal.cards.terms import TERMS_VERSION
from bekal.core.links import portal_links
from bekal.identity.registry.embedded import (
    Citizen,
    add_citizens,
    generate_citizens,
    registry_file,
    write_citizens,
)
from bekal.marketplace.models import Course, Format, Purchase, Review
from bekal.marketplace.selectors import upcoming_sessions
from bekal.marketplace.services.purchases import purchase_course
from bekal.marketplace.services.reviews import submit_review
from bekal.marketplace.services.vouchers import record_completion, redeem_voucher
from bekal.programmes import services as programmes
from bekal.programmes.models import Wave, WaveApplication
from bekal.programmes.selectors import get_open_waves, get_scheme_in_force
from bekal.regions.models import Regency
from bekal.registration.selectors import is_registration_complete
from bekal.selection import services as selection
from bekal.selection.selectors import get_published_outcome
from bekal.web.devtools.demo_care import load_demo_tickets
from bekal.web.devtools.demo_catalogue import load_demo_catalogue
from bekal.web.devtools.demo_desk import load_demo_desk
from bekal.web.devtools.demo_payouts import load_demo_payouts
from bekal.web.devtools.demo_registrants import (
    DEMO_REGENCIES,
    complete_registrant_emails,
    create_demo_registrants,
    create_registrant,
)


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str


PASSWORD = "bekal-demo-2026"  # noqa: S105 - the demo's published password

PARTICIPANT = DemoLogin("participant", "peserta@bekal.example", PASSWORD)
ADMIN = DemoLogin("programme office admin", "admin@bekal.example", PASSWORD)
OFFICER = DemoLogin(
    "officer, Disnaker Kota Bengkulu", "disnaker.kotabengkulu@bekal.example", PASSWORD
)
CARD_HOLDER = DemoLogin("card holder, card active", "kartu@bekal.example", PASSWORD)
DESK_OFFICER = DemoLogin(
    "desk officer, Kota Bengkulu (+TOTP)", "meja.kotabengkulu@bekal.example", PASSWORD
)
CARD_HOLDER_NAME = "Rina Marlina"
#: The demo registrants who completed registration in the first regencies get cards too.
CARD_HOLDER_REGENCIES = 4


def _confirmed_participant(*, email: str, full_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = accounts.sign_up(full_name=full_name, email=email, password=PASSWORD)
        assert user is not None
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
    return user


#: The demo participant as the (embedded) population registry knows her: type these in
#: the profile form to pass the identity check.
SITI = Citizen(
    nik="1771015508950001", full_name="Siti Aminah", birth_date=dt.date(1995, 8, 15), sex="F"
)
SITI_KK = "1771010101200001"


def ensure_registry() -> int:
    """The embedded registry's file of synthetic citizens, with the demo participant in it."""
    if not registry_file().exists():
        write_citizens(generate_citizens(count=5000, seed=2020), path=registry_file())
    return add_citizens([SITI])


def load_demo_data(*, regencies: tuple[str, ...] = DEMO_REGENCIES) -> list[DemoLogin]:
    """Idempotent: running it again changes nothing that is already there (but live
    sessions that have all passed are followed by new ones)."""
    ensure_registry()
    with transaction.atomic():
        _load_accounts()
    create_demo_registrants(regencies=regencies)
    admin = User.objects.get(email=ADMIN.email)
    courses = load_demo_catalogue(admin=admin)
    holders = load_card_holders(admin=admin, regencies=regencies)
    load_trainings(holders=holders, courses=courses)
    ensure_open_wave(admin=admin)
    load_demo_tickets(participant_email=PARTICIPANT.email, officer_email=OFFICER.email)
    checker = load_demo_payouts(admin=admin, holders=holders, password=PASSWORD)
    load_demo_desk(password=DESK_OFFICER.password)
    from bekal.web.devtools.demo_dashboards import load_dashboard_logins

    return [
        PARTICIPANT,
        CARD_HOLDER,
        ADMIN,
        OFFICER,
        DESK_OFFICER,
        DemoLogin("second officer, payouts", checker, PASSWORD),
        *load_dashboard_logins(),
    ]


def _load_accounts() -> None:
    _confirmed_participant(email=PARTICIPANT.email, full_name="Siti Aminah")

    if not User.objects.filter(email=ADMIN.email).exists():
        User.objects.create_superuser(
            email=ADMIN.email, password=ADMIN.password, full_name="Admin Manajemen Pelaksana"
        )
    if not User.objects.filter(email=OFFICER.email).exists():
        User.objects.create_user(
            email=OFFICER.email,
            password=OFFICER.password,
            full_name="Petugas Disnaker Kota Bengkulu",
            role=User.Role.REGIONAL_OFFICER,
            region=Regency.objects.get(code="17.71"),
            email_confirmed_at=timezone.now(),
        )


# --- card holders ----------------------------------------------------------------------


def _pass_test(person: User) -> None:
    """The test taken and passed, every answer the right (or most fitting) one."""
    scheme = get_scheme_in_force()
    attempt = assessment.start_attempt(
        user=person,
        question_count=scheme.test_question_count,
        duration_minutes=scheme.test_duration_minutes,
        pass_mark=scheme.test_pass_mark,
    )
    for item in list_attempt_items(attempt=attempt):
        best = (
            Option.objects.filter(pk__in=item.option_order)
            .order_by("-is_correct", "-score", "pk")
            .first()
        )
        assert best is not None
        assessment.answer_question(attempt=attempt, position=item.position, option_id=best.pk)
    assessment.submit_attempt(attempt=attempt)


def _select(people: list[User], *, admin: User) -> None:
    """A demo wave the people join and are all selected in, its results published."""
    now = timezone.now()
    number = (Wave.objects.aggregate(last=Max("number"))["last"] or 0) + 1
    wave = programmes.create_wave(
        scheme=get_scheme_in_force(),
        number=number,
        name=f"Gelombang {number}",
        opens_at=now - dt.timedelta(days=7),
        closes_at=now + dt.timedelta(hours=1),
        announce_at=now + dt.timedelta(hours=1),
        national_quota=len(people),
        actor=admin,
    )
    wave = programmes.open_wave(wave=wave, actor=admin, waves_link=None)
    run = selection.commit_seed(run=selection.create_run(wave=wave, actor=admin), actor=admin)
    for person in people:
        programmes.join_wave(user=person, wave=wave, test_passed=True)
    programmes.close_wave(wave=wave, actor=admin)
    run = selection.run_selection(run=run, actor=admin)
    run = selection.review_run(run=run, actor=admin, note="Gelombang demo")
    publish_results(run=run, actor=admin)


def _needs_selection(person: User) -> bool:
    """Never in a wave yet (so a rerun never makes another demo wave for anyone)."""
    return (
        not WaveApplication.objects.filter(user=person).exists()
        and get_card(user=person) is None
        and is_registration_complete(user=person)
    )


@transaction.atomic
def load_card_holders(*, admin: User, regencies: tuple[str, ...] = DEMO_REGENCIES) -> list[User]:
    """The card holder's login and the registrants who completed registration in the
    first regencies, selected in a demo wave, with their card terms accepted. The card
    holder's login comes first."""
    create_registrant(
        email=CARD_HOLDER.email, full_name=CARD_HOLDER_NAME, sex="F", regency="32.73", seed=900
    )
    emails = [
        CARD_HOLDER.email,
        *complete_registrant_emails(regencies=regencies[:CARD_HOLDER_REGENCIES]),
    ]
    found = User.objects.in_bulk(emails, field_name="email")
    people = [found[email] for email in emails if email in found]
    waiting = [person for person in people if _needs_selection(person)]
    if waiting:
        for person in waiting:
            if not has_passed(user=person):
                _pass_test(person)
        _select(waiting, admin=admin)
    holders = []
    for person in people:
        card = get_card(user=person)
        if card is None or card.status == Card.Status.OFFERED:
            if get_published_outcome(user=person) is None:
                continue
            card = accept_card_terms(user=person, terms_version=TERMS_VERSION)
        if card.status == Card.Status.ACTIVE:
            holders.append(person)
    return holders


# --- the open wave ---------------------------------------------------------------------

#: How long the demo's open wave stays open, and its national quota.
OPEN_WAVE_DAYS = 30
OPEN_WAVE_QUOTA = 10_000


@transaction.atomic
def ensure_open_wave(*, admin: User) -> Wave:
    """A wave open for a month with its lottery seed committed, so a participant who
    passes the test can join it. Idempotent: while a wave is open, nothing is added.
    Opening it tells the demo's registrants who passed the test (see the outbox); a
    demo run again after the wave's month adds a new one."""
    opened = get_open_waves().first()  # open, and within its window
    if opened is not None:
        return opened
    now = timezone.now()
    number = (Wave.objects.aggregate(last=Max("number"))["last"] or 0) + 1
    wave = programmes.create_wave(
        scheme=get_scheme_in_force(),
        number=number,
        name=f"Gelombang {number}",
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=OPEN_WAVE_DAYS),
        announce_at=now + dt.timedelta(days=OPEN_WAVE_DAYS, hours=12),
        national_quota=OPEN_WAVE_QUOTA,
        actor=admin,
    )
    selection.open_wave_with_carry_over(
        wave=wave, actor=admin, waves_link=portal_links().wave_list()
    )
    selection.commit_seed(run=selection.create_run(wave=wave, actor=admin), actor=admin)
    return Wave.objects.get(pk=wave.pk)


# --- their trainings ---------------------------------------------------------------------

#: Trainings the card holders bought (by holder, in load_card_holders' order): with a
#: rating, completed and reviewed; with 0, completed and waiting for a review; None,
#: bought only (a live or in-person course: its first upcoming session).
TRAININGS: tuple[tuple[int, str, int | None, str], ...] = (
    (0, "KT-004", 0, ""),
    (0, "SK-001", None, ""),
    (
        1,
        "KT-001",
        5,
        "Materinya runtut dan contohnya dari pekerjaan kantor sungguhan. "
        "Sekarang saya bisa membuat laporan stok sendiri.",
    ),
    (
        1,
        "MD-104",
        4,
        "Tips memotret dengan cahaya jendela sangat membantu, foto dagangan "
        "saya jadi lebih terang.",
    ),
    (
        1,
        "TU-001",
        5,
        "Akhirnya uang warung dan uang rumah tangga terpisah. Templatnya sangat berguna.",
    ),
    (1, "TU-002", None, ""),
    (2, "KT-001", 4, "Penjelasannya jelas, hanya saja video bagian grafik agak cepat."),
    (
        2,
        "AN-001",
        5,
        "Instruktur menjawab pertanyaan di forum dengan cepat. Kolam pertama saya sudah berjalan.",
    ),
    (2, "SB-006", 4, "Singkat tetapi penting, terutama bagian hak-hak pekerja."),
    (2, "MD-101", 5, "Latihan di setiap bab membuat saya paham, bukan sekadar menonton."),
    (3, "MD-104", 5, "Praktis dan langsung bisa dicoba dengan ponsel biasa."),
    (3, "TU-003", 4, "Langsung saya praktikkan, toko saya mendapat pesanan pertama minggu ini."),
    (3, "SK-002", 3, "Materinya bagus, tetapi saya butuh lebih banyak latihan berbicara."),
    (3, "KT-001", 5, "Cocok untuk yang benar-benar mulai dari nol."),
    (3, "KT-005", None, ""),
    (4, "AN-001", 4, "Perhitungan pakan dan biaya dijelaskan dengan rinci."),
    (4, "MD-101", 4, "Agak menantang di bagian fungsi, tetapi forum diskusinya membantu."),
    (4, "TU-001", 4, "Bagus, tetapi saya berharap ada contoh untuk usaha jasa."),
    (4, "SK-006", 5, "Contoh percakapan dengan pelanggan yang marah sangat realistis."),
    (4, "MD-102", None, ""),
)


def _buy(person: User, course: Course) -> Purchase | None:
    bought = Purchase.objects.filter(user=person, course=course).first()
    if bought is not None or course.status != Course.Status.APPROVED:
        return bought
    session = None
    if course.format != Format.SELF_PACED:
        session = upcoming_sessions().filter(course=course).first()
        if session is None:
            return None
    return purchase_course(
        user=person,
        course_id=course.pk,
        session_id=session.pk if session else None,
        idempotency_key=f"demo-{person.pk}-{course.external_id}",
    )


def _complete(purchase: Purchase) -> None:
    platform = purchase.platform
    if purchase.status == Purchase.Status.PAID:
        purchase = redeem_voucher(platform=platform, voucher_code=purchase.voucher_code)
    if purchase.status == Purchase.Status.REDEEMED:
        record_completion(
            platform=platform,
            voucher_code=purchase.voucher_code,
            certificate_number=f"{purchase.course.external_id}/{purchase.pk:06d}",
            evidence={"progress_percent": 100, "final_test_score": 85},
        )


@transaction.atomic
def load_trainings(*, holders: list[User], courses: dict[str, Course]) -> None:
    for holder, external_id, rating, comment in TRAININGS:
        course = courses.get(external_id)
        if holder >= len(holders) or course is None:
            continue
        purchase = _buy(holders[holder], course)
        if purchase is None or rating is None or course.format != Format.SELF_PACED:
            continue
        _complete(purchase)
        if rating and not Review.objects.filter(purchase=purchase).exists():
            submit_review(
                user=holders[holder], purchase_id=purchase.pk, rating=rating, comment=comment
            )
