"""The waiting room in front of the sign-up path: a place in line, arrival order, and
an admission that holds through the form's POST.

Other app servers' requests in flight are the rows they keep in the shared counters:
`busy_elsewhere(n)` is another server with n requests running, as it records them.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from bekal.accounts.models import User
from bekal.notifications.models import OutboxMessage
from bekal.web.waiting_room import TICKET_COOKIE

pytestmark = pytest.mark.django_db

PLACE = re.compile(r'data-place="(\d+)"')


@pytest.fixture(autouse=True)
def small_room(settings: Any) -> None:
    settings.BEKAL_WAITING_ROOM_CAPACITY = 2
    settings.BEKAL_WAITING_ROOM_HOLD_SECONDS = 600
    settings.BEKAL_WAITING_ROOM_RETRY_SECONDS = 2
    settings.BEKAL_WAITING_ROOM_PATHS = ["/daftar/"]


def busy_elsewhere(in_flight: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO portal_waiting_room_process (name, in_flight, touched_at)"
            " VALUES ('app-server-2:77', %s, now())"
            " ON CONFLICT (name) DO UPDATE SET in_flight = excluded.in_flight,"
            " touched_at = now()",
            [in_flight],
        )


def place(response: Any) -> int | None:
    match = PLACE.search(response.content.decode())
    return int(match.group(1)) if match else None


def is_sign_up_form(response: Any) -> bool:
    return response.status_code == 200 and 'name="password"' in response.content.decode()


def test_under_capacity_a_newcomer_goes_straight_to_the_form():
    busy_elsewhere(1)

    response = Client().get("/daftar/")

    assert is_sign_up_form(response)
    assert place(response) is None


def test_over_capacity_a_newcomer_waits_with_a_place_retry_after_and_a_refresh(
    django_assert_num_queries: Any,
):
    busy_elsewhere(2)

    with django_assert_num_queries(1):  # the counter, nothing else
        first = Client().get("/daftar/")
    second = Client().get("/daftar/")

    assert first.status_code == 200
    assert not is_sign_up_form(first)
    body = first.content.decode()
    assert "Anda sedang dalam antrean" in body
    assert place(first) == 1
    assert place(second) == 2
    assert "1 orang di depan Anda" in second.content.decode()
    assert first["Retry-After"] == "2"
    assert '<meta http-equiv="refresh" content="2">' in body
    assert "<style" not in body and "<script" not in body
    assert len(first.content) < 4096
    assert first.cookies[TICKET_COOKIE]["httponly"]


def test_places_are_admitted_in_arrival_order():
    busy_elsewhere(2)
    first, second, third = Client(), Client(), Client()
    for person in (first, second, third):
        person.get("/daftar/")

    busy_elsewhere(1)  # one place frees up
    third_refresh = third.get("/daftar/")
    second_refresh = second.get("/daftar/")
    first_refresh = first.get("/daftar/")

    assert place(third_refresh) == 2
    assert place(second_refresh) == 1
    assert is_sign_up_form(first_refresh)

    busy_elsewhere(0)  # the first one's request is done too: two places
    assert is_sign_up_form(third.get("/daftar/"))
    assert is_sign_up_form(second.get("/daftar/"))


def test_a_newcomer_does_not_jump_the_line_when_a_place_frees_up():
    busy_elsewhere(2)
    waiting = Client()
    waiting.get("/daftar/")

    busy_elsewhere(1)
    newcomer = Client()
    first_look = newcomer.get("/daftar/")

    assert place(first_look) == 1  # behind the one let in, whose place is held
    assert is_sign_up_form(waiting.get("/daftar/"))


def test_an_admitted_person_posts_the_form_even_when_the_room_is_full_again():
    person = Client()
    assert is_sign_up_form(person.get("/daftar/"))

    busy_elsewhere(50)
    response = person.post(
        "/daftar/",
        {"full_name": "Siti Aminah", "email": "siti@contoh.id", "password": "kopi-tubruk-2020"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/daftar/cek-email/"
    assert response.status_code == 200
    assert User.objects.filter(email="siti@contoh.id").exists()
    assert OutboxMessage.objects.filter(recipient="siti@contoh.id").count() == 1


def test_a_post_from_someone_never_admitted_is_refused_with_retry_after_and_changes_nothing():
    busy_elsewhere(2)

    response = Client().post(
        "/daftar/",
        {"full_name": "Budi Santoso", "email": "budi@contoh.id", "password": "kopi-tubruk-2020"},
    )

    assert response.status_code == 429
    assert response["Retry-After"] == "2"
    assert not User.objects.filter(email="budi@contoh.id").exists()


def test_a_forged_ticket_is_a_newcomer():
    busy_elsewhere(2)
    Client().get("/daftar/")
    forger = Client()
    forger.cookies[TICKET_COOKIE] = '["in", 0]'

    response = forger.get("/daftar/")

    assert place(response) == 2


def test_a_dead_servers_requests_stop_counting(settings: Any):
    busy_elsewhere(2)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE portal_waiting_room_process SET touched_at = now() - interval '5 minutes'"
        )

    assert is_sign_up_form(Client().get("/daftar/"))


def test_staff_pages_and_the_partner_api_bypass_the_room(settings: Any):
    settings.BEKAL_WAITING_ROOM_PATHS = ["/"]  # every citizen page guarded
    busy_elsewhere(2)

    assert place(Client().get("/")) == 1
    for path in ("/kantor/", "/admin/login/", "/meja/", "/api/partners/v1/courses"):
        response = Client().get(path)
        assert place(response) is None, path
        assert "Retry-After" not in response, path
        assert TICKET_COOKIE not in response.cookies, path
    assert Client().get("/admin/login/").status_code == 200
    assert Client().get("/api/partners/v1/courses").status_code == 401
