"""The dashboards' demo logins: a province officer beside the demo's city officer."""

from __future__ import annotations

from django.utils import timezone

from bekal.accounts.models import User
from bekal.regions.models import Province
from bekal.web.devtools.demo_data import PASSWORD, DemoLogin

PROVINCE_OFFICER = DemoLogin(
    "officer, Disnaker Provinsi Bengkulu", "disnaker.provbengkulu@bekal.example", PASSWORD
)


def load_dashboard_logins() -> list[DemoLogin]:
    """Idempotent: the province officer of Bengkulu (Kota Bengkulu's province)."""
    if not User.objects.filter(email=PROVINCE_OFFICER.email).exists():
        User.objects.create_user(
            email=PROVINCE_OFFICER.email,
            password=PROVINCE_OFFICER.password,
            full_name="Petugas Disnaker Provinsi Bengkulu",
            role=User.Role.PROVINCE_OFFICER,
            province=Province.objects.get(code="17"),
            email_confirmed_at=timezone.now(),
        )
    return [PROVINCE_OFFICER]
