"""The demo's assisted registration desk: a desk of Kota Bengkulu's labour office and its
officer, who signs in with a password and a TOTP code.

The officer's authenticator secret is FIXED AND PUBLISHED for the demo only (printed with
the demo logins, in the README): anybody can compute its codes, so it must never exist
outside the demo. Add it to any authenticator app (or run
`python -c "import pyotp; print(pyotp.TOTP('<secret>').now())"`) to get the codes.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from bekal.accounts.models import StaffTotpDevice, User
from bekal.core import crypto
from bekal.desks.models import Desk, DeskMembership
from bekal.regions.models import Regency

DESK_NAME = "Meja Pendaftaran Disnaker Kota Bengkulu"
DESK_ADDRESS = "Jl. Basuki Rahmat No. 4, Kota Bengkulu"
DESK_OFFICER_EMAIL = "meja.kotabengkulu@bekal.example"
DESK_OFFICER_NAME = "Budi Hartono"
#: DEMO ONLY: a published TOTP secret (base32). Never use it anywhere else.
DEMO_TOTP_SECRET = "BEKALDEMOMEJAKOTABENGKULUAAAAAAA"  # noqa: S105 - the demo's published secret
DESK_TOTP_NOTE = (
    f"  Desk officer {DESK_OFFICER_EMAIL} signs in at /meja/ with the demo password, then a "
    f"TOTP code from the DEMO-ONLY secret {DEMO_TOTP_SECRET} (add it to an authenticator app)"
)


@transaction.atomic
def load_demo_desk(*, password: str) -> User:
    """Idempotent: the desk, its officer and the officer's authenticator device."""
    regency = Regency.objects.get(code="17.71")
    desk, _created = Desk.objects.get_or_create(
        name=DESK_NAME, defaults={"regency": regency, "address": DESK_ADDRESS}
    )
    officer = User.objects.filter(email=DESK_OFFICER_EMAIL).first()
    if officer is None:
        officer = User.objects.create_user(
            email=DESK_OFFICER_EMAIL,
            password=password,
            full_name=DESK_OFFICER_NAME,
            role=User.Role.REGIONAL_OFFICER,
            region=regency,
            email_confirmed_at=timezone.now(),
        )
    DeskMembership.objects.get_or_create(officer=officer, ended_at=None, defaults={"desk": desk})
    StaffTotpDevice.objects.get_or_create(
        user=officer,
        defaults={
            "secret_encrypted": crypto.encrypt(DEMO_TOTP_SECRET),
            "confirmed_at": timezone.now(),
        },
    )
    return officer
