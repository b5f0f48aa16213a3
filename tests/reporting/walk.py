"""One registrant walked through the journey, step by step, through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import connection
from django.utils import timezone

from bekal.accounts import services as accounts
from bekal.accounts import tokens
from bekal.accounts.models import User
from bekal.accounts.phone_verification import send_phone_code, verify_phone_code
from bekal.cards.models import Card
from bekal.cards.services import accept_card_terms, publish_results
from bekal.cards.terms import TERMS_VERSION
from bekal.identity.registry.embedded import Citizen, add_citizens
from bekal.identity.services import upload_document
from bekal.marketplace.models import Format, Purchase
from bekal.marketplace.services.purchases import purchase_course
from bekal.marketplace.services.vouchers import record_completion, redeem_voucher
from bekal.programmes import services as programmes
from bekal.programmes.models import Wave
from bekal.programmes.selectors import get_scheme_in_force
from bekal.registration import services as registration
from bekal.registration.declaration import DECLARATION_VERSION
from bekal.selection import services as selection
from bekal.web.devtools.demo_data import _pass_test
from bekal.web.devtools.demo_registrants import _latest_code, _photo
from tests.marketplace.factories import course
from tests.registration.factories import SITI, SITI_NIK, profile_input
from tests.selection.factories import admin

REGENCY = "17.71"  # Kota Bengkulu, where Siti lives


def counts(*, wave_id: int = 0, regency: str = REGENCY) -> dict[str, int]:
    """What the rollups hold for a cell row (summed over shards), zeros left out."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT stage, sum(total) FROM reporting_stagecount"
            " WHERE wave_id = %s AND regency_code = %s GROUP BY stage HAVING sum(total) <> 0",
            [wave_id, regency],
        )
        return {stage: int(total) for stage, total in cursor.fetchall()}


class Walk:
    """Siti's journey; `steps` in order, each a (name, action)."""

    def __init__(self) -> None:
        self.user: User | None = None
        self.wave: Wave | None = None
        self.run = None
        self.purchase: Purchase | None = None

    @property
    def person(self) -> User:
        assert self.user is not None
        return self.user

    def sign_up(self) -> None:
        self.user = accounts.sign_up(
            full_name="Siti Aminah", email="siti@contoh.id", password="kata-sandi-panjang-1"
        )

    def confirm_email(self) -> None:
        accounts.confirm_email(token=tokens.make_confirmation_token(self.person))

    def submit_profile(self) -> None:
        registration.submit_profile(user=self.person, data=profile_input(), ip="10.1.2.3")

    def verify_identity(self) -> None:
        add_citizens(
            [Citizen(nik=SITI_NIK, full_name="Siti Aminah", birth_date=SITI.birth_date, sex="F")]
        )
        check = User.objects.get(pk=self.person.pk).registration_profile.identity_check
        registration.run_identity_check(check_id=check.pk)

    def upload_documents(self) -> None:
        upload_document(owner=self.person, kind="ktp_photo", uploaded_file=_photo(1, "KTP"))
        upload_document(owner=self.person, kind="selfie_with_ktp", uploaded_file=_photo(2, "S"))

    def verify_phone(self) -> None:
        send_phone_code(user=self.person, phone="081234567890", now=timezone.now())
        verify_phone_code(user=self.person, code=_latest_code(self.person))

    def sign_declaration(self) -> None:
        registration.sign_declaration(user=self.person, version=DECLARATION_VERSION)

    def pass_test(self) -> None:
        _pass_test(self.person)

    def join_wave(self) -> None:
        pmo = admin()
        now = timezone.now()
        wave = programmes.create_wave(
            scheme=get_scheme_in_force(),
            number=1,
            name="Gelombang 1",
            opens_at=now - dt.timedelta(days=1),
            closes_at=now + dt.timedelta(hours=1),
            announce_at=now + dt.timedelta(hours=1),
            national_quota=10,
            actor=pmo,
        )
        self.wave = programmes.open_wave(wave=wave, actor=pmo, waves_link=None)
        self.run = selection.commit_seed(run=selection.create_run(wave=wave, actor=pmo), actor=pmo)
        programmes.join_wave(user=self.person, wave=self.wave, test_passed=True)

    def be_selected(self) -> None:
        pmo = admin()
        assert self.wave is not None
        programmes.close_wave(wave=self.wave, actor=pmo)
        run = selection.run_selection(run=self.run, actor=pmo)
        run = selection.review_run(run=run, actor=pmo, note="uji")
        publish_results(run=run, actor=pmo)

    def accept_card(self) -> None:
        accept_card_terms(user=self.person, terms_version=TERMS_VERSION)

    def buy_training(self) -> None:
        bought = course(approve=True, format=Format.SELF_PACED)
        self.purchase = purchase_course(
            user=self.person,
            course_id=bought.pk,
            session_id=None,
            idempotency_key="beli-pelatihan-1",
        )

    def complete_training(self) -> None:
        assert self.purchase is not None
        purchase = redeem_voucher(
            platform=self.purchase.platform, voucher_code=self.purchase.voucher_code
        )
        record_completion(
            platform=purchase.platform,
            voucher_code=purchase.voucher_code,
            certificate_number="CERT-1",
            evidence={"progress_percent": 100, "final_test_score": 85},
        )

    def steps(self) -> list[tuple[str, Callable[[], None]]]:
        return [
            ("sign_up", self.sign_up),
            ("confirm_email", self.confirm_email),
            ("submit_profile", self.submit_profile),
            ("verify_identity", self.verify_identity),
            ("upload_documents", self.upload_documents),
            ("verify_phone", self.verify_phone),
            ("sign_declaration", self.sign_declaration),
            ("pass_test", self.pass_test),
            ("join_wave", self.join_wave),
            ("be_selected", self.be_selected),
            ("accept_card", self.accept_card),
            ("buy_training", self.buy_training),
            ("complete_training", self.complete_training),
        ]


def card_of(user: User) -> Card:
    return Card.objects.get(user=user)
