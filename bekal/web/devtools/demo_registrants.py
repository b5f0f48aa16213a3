"""Demo registrants at every step of the journey, spread over real regions.

Everything is built through the services a person's actions call (sign-up, confirmation,
profile, registry check, photos, SMS code, declaration); the population registry is the
embedded one, told about each demo person first. Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bekal.accounts import services as accounts
from bekal.accounts import tokens
from bekal.accounts.models import User
from bekal.accounts.phone_verification import send_phone_code, verify_phone_code
from bekal.identity.registry.embedded import Citizen, add_citizens
from bekal.identity.services import upload_document
from bekal.notifications.models import OutboxMessage
from bekal.regions.models import District, Village
from bekal.registration import services as registration
from bekal.registration.declaration import DECLARATION_VERSION
from bekal.registration.services import ProfileInput

#: Regencies/cities named in the programme's news, and a few large cities.
DEMO_REGENCIES = (
    "17.71",  # Kota Bengkulu
    "17.02",  # Kabupaten Rejang Lebong
    "17.06",  # Kabupaten Mukomuko
    "32.16",  # Kabupaten Bekasi
    "32.02",  # Kabupaten Sukabumi
    "64.74",  # Kota Bontang
    "31.74",  # Kota Administrasi Jakarta Selatan
    "35.78",  # Kota Surabaya
    "73.71",  # Kota Makassar
    "51.71",  # Kota Denpasar
)

#: How far each demo registrant got, in journey order.
STAGES = (
    "signed_up",
    "confirmed",
    "profile_not_found",
    "profile_mismatch",
    "identity_verified",
    "documents",
    "phone",
    "complete",
)

PASSWORD = "bekal-demo-2026"  # noqa: S105 - the demo's published password
_CODE = re.compile(r"\b(\d{6})\b")


@dataclass(frozen=True)
class DemoPerson:
    email: str
    stage: str
    regency: str


def _photo(seed: int, label: str) -> SimpleUploadedFile:
    """A synthetic card-like photo, different for every seed."""
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (1024, 720), (rng.randrange(120, 200), 170, 215))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(0, 1000), rng.randrange(0, 700)
        w, h = rng.randrange(20, 300), rng.randrange(10, 120)
        fill = tuple(rng.randrange(0, 256) for _ in range(3))
        draw.rectangle((x, y, x + w, y + h), fill=fill)
    draw.ellipse((700, 180, 940, 480), fill=(230, 200, 170))
    draw.text((40, 40), f"DEMO {label}", fill=(0, 0, 0))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return SimpleUploadedFile(f"{label}.jpg", out.getvalue(), content_type="image/jpeg")


def _latest_code(user: User) -> str:
    body = OutboxMessage.objects.filter(user=user, channel="sms").latest("created_at").body
    found = _CODE.search(body)
    assert found is not None
    return found.group(1)


def create_demo_registrants(
    *, seed: int = 2026, regencies: tuple[str, ...] = DEMO_REGENCIES
) -> list[DemoPerson]:
    """Idempotent: people whose email already exists are left as they are."""
    from faker import Faker

    from bekal.identity.synthetic import IndonesianIdentityProvider

    fake = Faker("id_ID")
    fake.add_provider(IndonesianIdentityProvider(fake))
    fake.seed_instance(seed)
    people: list[DemoPerson] = []
    number = 0
    for regency in regencies:
        districts = list(District.objects.filter(regency_id=regency).order_by("code"))
        for stage in STAGES:
            number += 1
            district = districts[fake.random_int(0, len(districts) - 1)]
            person = _create(fake, number=number, stage=stage, district=district)
            if person is not None:
                people.append(person)
    return people


def complete_registrant_emails(*, regencies: tuple[str, ...] = DEMO_REGENCIES) -> list[str]:
    """The demo registrants who completed their registration, one per regency."""
    last = STAGES.index("complete") + 1
    return [f"demo.{i * len(STAGES) + last:03d}@bekal.example" for i in range(len(regencies))]


def create_registrant(
    *, email: str, full_name: str, sex: str, regency: str, seed: int
) -> DemoPerson | None:
    """One more person with a complete registration in `regency` (None if the email
    exists already)."""
    from faker import Faker

    from bekal.identity.synthetic import IndonesianIdentityProvider

    fake = Faker("id_ID")
    fake.add_provider(IndonesianIdentityProvider(fake))
    fake.seed_instance(seed)
    district = District.objects.filter(regency_id=regency).order_by("code").first()
    assert district is not None
    return _create(
        fake,
        number=seed,
        stage="complete",
        district=district,
        email=email,
        full_name=full_name,
        sex=sex,
    )


def _create(  # type: ignore[no-untyped-def]
    fake,
    *,
    number: int,
    stage: str,
    district: District,
    email: str | None = None,
    full_name: str | None = None,
    sex: str | None = None,
) -> DemoPerson | None:
    sex = sex or ("F" if number % 2 else "M")
    first = fake.first_name_female() if sex == "F" else fake.first_name_male()
    full_name = full_name or f"{first} {fake.last_name()}"
    email = email or f"demo.{number:03d}@bekal.example"
    birth_date = dt.date(1968, 1, 1) + dt.timedelta(days=fake.random_int(0, 12_500))
    nik = fake.nik(district_code=district.code, birth_date=birth_date, sex=sex)
    kk = fake.kk(district_code=district.code)
    phone = fake.mobile_number()
    if User.objects.filter(email=email).exists():
        return None
    user = accounts.sign_up(full_name=full_name, email=email, password=PASSWORD)
    assert user is not None
    person = DemoPerson(email=email, stage=stage, regency=district.regency_id)
    if stage == "signed_up":
        return person
    accounts.confirm_email(token=tokens.make_confirmation_token(user))
    if stage == "confirmed":
        return person

    registry_name = full_name if stage != "profile_mismatch" else f"{full_name} Putra"
    if stage != "profile_not_found":
        add_citizens([Citizen(nik=nik, full_name=registry_name, birth_date=birth_date, sex=sex)])
    village = Village.objects.filter(district=district).order_by("code").first()
    assert village is not None
    profile = registration.submit_profile(
        user=user,
        data=ProfileInput(
            nik=nik,
            kk=kk,
            full_name=full_name,
            birth_place=district.regency.name.replace("Kabupaten ", "").replace("Kota ", ""),
            birth_date=birth_date,
            sex=sex,
            ktp_street=f"Jl. {fake.street_name()} No. {fake.building_number()}",
            ktp_village_code=village.code,
            domicile_same_as_ktp=True,
            education=fake.random_element(["sd", "smp", "sma_smk", "d1_d3", "d4_s1"]),
            employment_status=fake.random_element(
                ["job_seeker", "laid_off", "needs_new_skills", "business_owner"]
            ),
            in_school=False,
            in_excluded_occupation=False,
        ),
    )
    registration.run_identity_check(check_id=profile.identity_check.pk)
    if stage in ("profile_not_found", "profile_mismatch", "identity_verified"):
        return person
    upload_document(owner=user, kind="ktp_photo", uploaded_file=_photo(number * 2, "KTP"))
    upload_document(
        owner=user, kind="selfie_with_ktp", uploaded_file=_photo(number * 2 + 1, "SELFIE")
    )
    if stage == "documents":
        return person
    send_phone_code(user=user, phone=phone, now=timezone.now())
    verify_phone_code(user=user, code=_latest_code(user))
    if stage == "phone":
        return person
    registration.sign_declaration(user=user, version=DECLARATION_VERSION)
    return person
