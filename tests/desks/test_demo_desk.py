"""The demo's desk officer signs in with the published demo password and a TOTP code from
the demo-only secret printed with the demo logins."""

import pyotp
import pytest
from django.test import Client

from bekal.web.devtools.demo_data import DESK_OFFICER
from bekal.web.devtools.demo_desk import DEMO_TOTP_SECRET, DESK_TOTP_NOTE, load_demo_desk

pytestmark = pytest.mark.django_db


def test_the_demo_desk_officer_signs_in_with_the_printed_secret_and_reaches_the_desk():
    load_demo_desk(password=DESK_OFFICER.password)
    load_demo_desk(password=DESK_OFFICER.password)  # idempotent
    assert DEMO_TOTP_SECRET in DESK_TOTP_NOTE and "DEMO-ONLY" in DESK_TOTP_NOTE
    client = Client()

    client.post("/meja/masuk/", {"email": DESK_OFFICER.email, "password": DESK_OFFICER.password})
    client.post("/masuk/kode/", {"code": pyotp.TOTP(DEMO_TOTP_SECRET).now(), "next": "/meja/"})
    page = client.get("/meja/")

    assert page.status_code == 200
    assert "Meja Pendaftaran Disnaker Kota Bengkulu" in page.content.decode()
