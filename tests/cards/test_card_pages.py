"""The card page /kartu/ through the Django test client, in Bahasa Indonesia."""

from __future__ import annotations

import re

import pytest

from bekal.cards import selectors, services
from bekal.cards.models import Card
from bekal.cards.numbers import is_valid_card_number
from bekal.cards.terms import TERMS_VERSION
from tests.cards.factories import announce, published_run

pytestmark = pytest.mark.django_db


def test_a_selected_person_sees_the_offer_with_the_terms_and_an_accept_form(client):
    published = published_run(selected=1)
    [chosen] = published.selected
    announce(published.run)
    client.force_login(chosen)

    page = client.get("/kartu/").content.decode()

    assert f"Anda lolos seleksi gelombang {published.run.wave.number}." in page
    assert "Syarat kartu" in page
    assert "saldo pelatihan sebesar Rp 3.500.000" in page
    assert "dalam 15 hari" in page
    assert 'name="agree"' in page and f'value="{TERMS_VERSION}"' in page


def test_accepting_on_the_page_shows_the_card_number_balance_and_deadline(client):
    published = published_run(selected=1)
    [chosen] = published.selected
    client.force_login(chosen)

    response = client.post("/kartu/setujui/", {"agree": "on", "terms_version": TERMS_VERSION})
    page = client.get("/kartu/").content.decode()

    assert response.status_code == 302 and response["Location"] == "/kartu/"
    card = selectors.get_card(user=chosen)
    grouped = " ".join(card.number[i : i + 4] for i in range(0, 16, 4))
    assert grouped in page and is_valid_card_number(card.number)
    assert "Rp 3.500.000" in page
    deadline = re.search(r"sebelum (.+?) WIB", page)
    assert deadline is not None
    assert str(card.first_purchase_deadline.astimezone().year) in deadline.group(1)
    assert "Kartu Anda sudah aktif." in page


def test_the_deadline_is_shown_in_jakarta_time(client):
    import datetime as dt
    from zoneinfo import ZoneInfo

    published = published_run(selected=1)
    [chosen] = published.selected
    # accepted at 20:00 UTC: 03:00 the next day in Jakarta
    accepted = dt.datetime(2025, 3, 1, 20, 0, tzinfo=dt.UTC)
    services.accept_card_terms(user=chosen, terms_version=TERMS_VERSION, now=accepted)
    client.force_login(chosen)

    page = client.get("/kartu/").content.decode()

    expected = (accepted + dt.timedelta(days=15)).astimezone(ZoneInfo("Asia/Jakarta"))
    assert expected.strftime("%H:%M") == "03:00"
    assert "17 Maret 2025, 03:00 WIB" in page


def test_accepting_without_ticking_the_box_is_refused_and_changes_nothing(client):
    published = published_run(selected=1)
    [chosen] = published.selected
    announce(published.run)
    client.force_login(chosen)

    response = client.post("/kartu/setujui/", {"terms_version": TERMS_VERSION})

    assert response.status_code == 400
    assert "Centang kotak ini untuk menyetujui syarat kartu." in response.content.decode()
    assert selectors.get_card(user=chosen).status == Card.Status.OFFERED


def test_accepting_an_outdated_version_of_the_terms_on_the_page_is_refused(client):
    published = published_run(selected=1)
    [chosen] = published.selected
    client.force_login(chosen)

    response = client.post("/kartu/setujui/", {"agree": "on", "terms_version": "2020.0"})

    assert response.status_code == 409  # the terms changed under the page: a conflict
    assert "Syarat kartu telah berubah" in response.content.decode()
    assert not Card.objects.filter(status="active").exists()


def test_a_person_not_selected_sees_they_move_to_the_next_wave(client):
    published = published_run(selected=1, not_selected=1)
    [left] = published.not_selected
    client.force_login(left)

    page = client.get("/kartu/").content.decode()
    refused = client.post("/kartu/setujui/", {"agree": "on", "terms_version": TERMS_VERSION})

    assert f"Anda belum lolos seleksi di gelombang {published.run.wave.number}." in page
    assert "otomatis ikut gelombang berikutnya" in page
    assert 'name="agree"' not in page
    assert refused.status_code == 403  # not selected: no card to accept
    assert Card.objects.count() == 0


def test_before_publication_the_page_shows_no_result(client):
    published = published_run(selected=1, publish_it=False)
    [chosen] = published.selected
    client.force_login(chosen)

    page = client.get("/kartu/").content.decode()

    assert "Belum ada hasil seleksi untuk Anda." in page
    assert 'name="agree"' not in page


def test_a_revoked_card_shows_why(client):
    published = published_run(selected=1)
    [chosen] = published.selected
    card = services.accept_card_terms(user=chosen, terms_version=TERMS_VERSION)
    services.revoke_unused_cards(now=card.first_purchase_deadline)
    client.force_login(chosen)

    page = client.get("/kartu/").content.decode()

    assert "Kartu Anda telah dicabut." in page
    assert "Tidak ada pelatihan yang dibeli dengan kartu ini dalam 15 hari" in page
    assert f"**** **** **** {card.number[-4:]}" in page
    assert card.number not in page


def test_the_card_page_asks_a_visitor_to_log_in(client):
    response = client.get("/kartu/")

    assert response.status_code == 302
    assert "/masuk/" in response["Location"]
