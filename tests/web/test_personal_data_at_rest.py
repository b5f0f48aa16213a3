"""After the personal-data flows, no clear NIK, KK or phone number is anywhere we keep text.

The flows, through the pages: a citizen signs up, confirms, logs in, submits a profile
with NIK and KK (typed with spaces), is checked against the registry by the worker and
verifies a phone number; the programme office logs in, searches the back office by that
NIK (spaced) and by KK, lists and opens the record; an admin user logs in to the Django
admin, tries its old search by NIK, lists and opens the profile. Then every text, JSON
and bytea column of every table, every session (decoded) and every log record captured
is searched for the numbers, with or without separators.
"""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bekal.accounts.models import User
from bekal.notifications.models import OutboxMessage
from bekal.registration.models import Profile
from tests.registration.factories import SITI_KK, SITI_NIK, profile_form

PASSWORD = "kopi-tubruk-2020"
PHONE_DIGITS = "81234567890"  # typed as 0812 3456 7890; stored as +6281234567890
KK_DIGITS = SITI_KK


def _pattern(digits: str) -> re.Pattern[str]:
    """The digits with any separators (space, dot, dash, slash) between them."""
    return re.compile(r"[\s.\-/]*".join(digits))


NEEDLES = {
    "NIK": _pattern(SITI_NIK),
    "KK": _pattern(KK_DIGITS),
    "phone": _pattern(PHONE_DIGITS),
}


def _found(text: str) -> list[str]:
    return [name for name, pattern in NEEDLES.items() if pattern.search(text)]


def _database_leaks() -> list[str]:
    leaks = []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_name, column_name, data_type FROM information_schema.columns
            WHERE table_schema = current_schema()
              AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb',
                                'bytea', 'ARRAY')
            """
        )
        columns = cursor.fetchall()
        for table, column, data_type in columns:
            cast = "" if data_type == "bytea" else "::text"
            cursor.execute(
                f'SELECT "{column}"{cast} FROM "{table}" WHERE "{column}" IS NOT NULL'  # noqa: S608
            )
            for (value,) in cursor.fetchall():
                text = bytes(value).decode("utf-8", "ignore") if data_type == "bytea" else value
                leaks += [f"{name} in {table}.{column}" for name in _found(text)]
    return leaks


def _code_sent_by_sms() -> str:
    sms = OutboxMessage.objects.filter(channel=OutboxMessage.Channel.SMS).latest("id")
    return re.search(r"\b([0-9]{6})\b", sms.body).group(1)


def _citizen_registers(client, worker) -> None:
    client.post(
        "/daftar/",
        {"full_name": "Siti Aminah", "email": "siti@contoh.id", "password": PASSWORD},
    )
    mail = OutboxMessage.objects.get(kind="account_confirmation")
    client.get(re.search(r"/konfirmasi/[^/\s]+/", mail.body).group(0))
    logged_in = client.post("/masuk/", {"email": "siti@contoh.id", "password": PASSWORD})
    assert logged_in.status_code == 302
    saved = client.post(
        reverse("portal:registration_profile"), profile_form(kk="1771-0101-0120-0001")
    )
    assert saved.status_code == 302
    worker()
    sent = client.post(reverse("portal:phone_number"), {"phone": "0812 3456 7890"})
    assert sent.status_code == 302
    verified = client.post(reverse("portal:phone_code"), {"code": _code_sent_by_sms()})
    assert verified.status_code == 302
    worker()
    client.post("/keluar/")


def _programme_office_searches(client) -> None:
    User.objects.create_user(
        email="pmo@bekal.example",
        password=PASSWORD,
        full_name="Petugas Program",
        role=User.Role.PROGRAMME_ADMIN,
        email_confirmed_at=timezone.now(),
    )
    client.post("/masuk/", {"email": "pmo@bekal.example", "password": PASSWORD})
    profile = Profile.objects.get()
    for query in ("1771 0155 0895 0001", "1771.0101.0120.0001", "0812-3456-7890"):
        held = client.post("/kantor/", {"q": query})
        assert held.status_code == 302
        assert not _found(held["Location"])
        client.get(held["Location"])
    assert client.get(f"/kantor/peserta/{profile.pk}/").status_code == 200
    client.post("/keluar/")


def _admin_searches(client) -> None:
    User.objects.create_superuser(email="admin@bekal.example", password=PASSWORD, full_name="Adm")
    client.post("/admin/login/", {"username": "admin@bekal.example", "password": PASSWORD})
    changelist = reverse("admin:registration_profile_changelist")
    assert client.get(changelist, {"q": "1771 0155 0895 0001"}).status_code == 302
    assert client.get(changelist).status_code == 200
    profile = Profile.objects.get()
    change = reverse("admin:registration_profile_change", args=[profile.pk])
    assert client.get(change).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_no_clear_nik_kk_or_phone_after_the_personal_data_flows(
    client, worker, registry_file, empty_queue, caplog
):
    with caplog.at_level(logging.DEBUG):
        _citizen_registers(client, worker)
        _programme_office_searches(client)
        _admin_searches(client)

    assert Profile.objects.get().nik_masked == "1771********0001"  # the flows did run
    assert _database_leaks() == []
    sessions = [json.dumps(s.get_decoded()) + s.session_data for s in Session.objects.all()]
    assert sessions and [n for text in sessions for n in _found(text)] == []
    logs = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
    assert caplog.records and _found(logs) == []
