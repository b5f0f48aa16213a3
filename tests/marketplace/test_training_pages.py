"""The training catalogue and a course's page in the portal, and buying a course on it,
through the Django test client, in Bahasa Indonesia."""

from __future__ import annotations

import re

import pytest

from bekal.cards.selectors import get_card_balance
from bekal.marketplace.models import Format, Purchase
from tests.marketplace.factories import card_holder, course, platform, session_input
from tests.marketplace.training_steps import buy_on_page, form_key

pytestmark = pytest.mark.django_db

_TITLE = re.compile(r'<h2><a href="/pelatihan/\d+/">([^<]+)</a></h2>')


def titles(response) -> list[str]:
    """The titles the catalogue lists, in order."""
    assert response.status_code == 200
    return _TITLE.findall(response.content.decode())


# --- the catalogue ------------------------------------------------------------------------


def test_twenty_five_courses_make_two_pages_and_the_links_keep_the_filters(client):
    # given 25 published self-paced courses on one platform
    on = platform()
    for n in range(25):
        course(on=on, format=Format.SELF_PACED, title=f"Kelas Mandiri {n:02d}")

    # when a visitor lists them with a format filter
    first = client.get("/pelatihan/", {"format": "self_paced"})
    second = client.get("/pelatihan/", {"format": "self_paced", "page": "2"})

    # then the first page shows 20, the second the other 5, and the page links keep the filter
    assert len(titles(first)) == 20 and len(titles(second)) == 5
    assert set(titles(first)).isdisjoint(titles(second))
    page = first.content.decode()
    assert "25 pelatihan ditemukan" in page
    assert 'href="?format=self_paced&amp;page=2"' in page


def test_the_format_filter_shows_only_that_format(client):
    course(format=Format.SELF_PACED, title="Video Akuntansi Dasar")
    course(format=Format.WEBINAR, title="Webinar Pemasaran Digital")

    listed = titles(client.get("/pelatihan/", {"format": "webinar"}))

    assert listed == ["Webinar Pemasaran Digital"]


def test_the_highest_price_keeps_cheaper_courses_and_takes_rupiah_as_people_type_it(client):
    course(price=250_000, title="Kursus Hemat")
    course(price=300_000, title="Kursus Pas")
    course(price=700_000, title="Kursus Mahal")

    listed = titles(client.get("/pelatihan/", {"max_price": "Rp 300.000", "sort": "price_low"}))

    assert listed == ["Kursus Hemat", "Kursus Pas"]


def test_a_region_shows_online_courses_everywhere_and_in_person_ones_only_there(client):
    # given a webinar, and in-person courses in Kota Bandung (32.73) and Kota Bengkulu (17.71)
    course(format=Format.WEBINAR, title="Webinar Bahasa Inggris")
    course(format=Format.OFFLINE, regency_code="32.73", title="Tata Boga di Bandung")
    course(format=Format.OFFLINE, regency_code="17.71", title="Tata Boga di Bengkulu")

    # when a visitor narrows to the province of West Java, then to the city of Bandung
    by_province = titles(client.get("/pelatihan/", {"province": "32"}))
    by_city = client.get("/pelatihan/", {"province": "32", "regency": "32.73"})

    # then both show the webinar and the Bandung course, never the Bengkulu one
    assert sorted(by_province) == ["Tata Boga di Bandung", "Webinar Bahasa Inggris"]
    assert sorted(titles(by_city)) == ["Tata Boga di Bandung", "Webinar Bahasa Inggris"]
    # and the in-person course shows its city; the city list offers West Java's cities
    page = by_city.content.decode()
    assert "Kota Bandung" in page
    assert 'value="32.73" selected' in page


def test_a_word_of_the_title_finds_the_course(client):
    course(title="Menjadi Pembawa Acara (MC)")
    course(title="Membuka Usaha Kedai Kopi")

    listed = titles(client.get("/pelatihan/", {"q": "kopi"}))

    assert listed == ["Membuka Usaha Kedai Kopi"]


def test_filters_that_make_no_sense_are_shown_as_errors_and_ignored(client):
    course(title="Dasar Kelistrikan Rumah")

    response = client.get(
        "/pelatihan/", {"format": "hologram", "max_price": "murah", "page": "x", "sort": "?"}
    )

    assert titles(response) == ["Dasar Kelistrikan Rumah"]
    page = response.content.decode()
    assert "Ketik harga dalam rupiah, misalnya 500000." in page
    assert "Masukkan pilihan yang valid. hologram bukan salah satu" in page


# --- a course's page ----------------------------------------------------------------------


def test_a_visitor_reads_the_course_and_is_asked_to_log_in_to_buy(client):
    webinar = course(title="Webinar Telemarketing", price=450_000)

    page = client.get(f"/pelatihan/{webinar.pk}/").content.decode()

    assert "Webinar Telemarketing" in page and "Rp 450.000" in page
    assert webinar.provider.name in page and webinar.platform.name in page
    assert f'href="/masuk/?next=/pelatihan/{webinar.pk}/"' in page
    assert 'name="idempotency_key"' not in page


def test_a_person_without_an_active_card_is_sent_to_the_card_page(client, django_user_model):
    person = django_user_model.objects.create_user(
        email="tanpa.kartu@contoh.id", password="x", full_name="Tanpa Kartu"
    )
    client.force_login(person)
    webinar = course()

    page = client.get(f"/pelatihan/{webinar.pk}/").content.decode()

    assert "Anda memerlukan kartu aktif untuk membeli pelatihan." in page
    assert 'href="/kartu/"' in page and 'name="idempotency_key"' not in page


def test_an_unknown_or_unpublished_course_is_not_found(client):
    waiting = course(approve=False)

    assert client.get(f"/pelatihan/{waiting.pk}/").status_code == 404
    assert client.get("/pelatihan/999999/").status_code == 404


def test_the_card_holder_sees_the_balance_before_and_after_buying(client):
    person, _card = card_holder()  # 2023: Rp 3.500.000
    client.force_login(person)
    webinar = course(price=500_000)

    page = client.get(f"/pelatihan/{webinar.pk}/").content.decode()

    assert re.search(r'data-testid="balance-now">Rp 3\.500\.000<', page)
    assert re.search(r'data-testid="balance-after"><strong>Rp 3\.000\.000<', page)


# --- buying -------------------------------------------------------------------------------


def test_buying_on_the_page_shows_the_voucher_and_lowers_the_balance(client):
    # given a card holder and a webinar with one session
    person, card = card_holder()
    client.force_login(person)
    webinar = course(price=500_000, title="Webinar Pemasaran Digital")

    # when they choose the session and buy it
    response = buy_on_page(client, webinar)

    # then they land on the purchase's page with the voucher code and the session time
    purchase = Purchase.objects.get(user=person)
    assert response.status_code == 302
    assert response["Location"] == f"/kartu/pelatihan/{purchase.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert purchase.voucher_display in page
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", purchase.voucher_display)
    assert "1 jam sebelum" in page and "1 jam setelah sesi dimulai" in page
    # and the card's balance is Rp 500.000 lower, on the card page too
    assert get_card_balance(card=card) == 3_000_000
    assert "Rp 3.000.000" in client.get("/kartu/").content.decode()


def test_sending_the_buy_form_twice_buys_once(client):
    person, card = card_holder()
    client.force_login(person)
    webinar = course(price=500_000)
    page = client.get(f"/pelatihan/{webinar.pk}/").content.decode()
    data = {"idempotency_key": form_key(page), "session": webinar.sessions.get().pk}

    first = client.post(f"/pelatihan/{webinar.pk}/beli/", data)
    second = client.post(f"/pelatihan/{webinar.pk}/beli/", data)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Purchase.objects.filter(user=person).count() == 1
    assert get_card_balance(card=card) == 3_000_000


def test_the_same_page_sent_again_with_another_session_buys_nothing_more(client):
    # given a webinar with two sessions, bought for the first through the page's form
    person, card = card_holder()
    client.force_login(person)
    webinar = course(price=500_000, sessions=[session_input(), session_input()])
    first, second = webinar.sessions.order_by("starts_at")
    key = form_key(client.get(f"/pelatihan/{webinar.pk}/").content.decode())
    url = f"/pelatihan/{webinar.pk}/beli/"
    assert client.post(url, {"idempotency_key": key, "session": first.pk}).status_code == 302

    # when the same page is sent again (the back button) with the other session chosen
    again = client.post(url, {"idempotency_key": key, "session": second.pk})

    # then it is refused in words a person understands, and nothing more is bought
    assert again.status_code == 409
    assert "Formulir ini sudah pernah dikirim." in again.content.decode()
    assert list(Purchase.objects.filter(user=person).values_list("session", flat=True)) == [
        first.pk
    ]
    assert get_card_balance(card=card) == 3_000_000


def test_a_short_balance_is_refused_in_indonesian_and_changes_nothing(client):
    # given a 2020 card (Rp 1.000.000) that already bought a course of Rp 800.000
    person, card = card_holder(scheme="2020")
    client.force_login(person)
    assert buy_on_page(client, course(price=800_000)).status_code == 302
    dearer = course(price=300_000)

    # when they try to buy a course of Rp 300.000 (the page only explains why not)
    page = client.get(f"/pelatihan/{dearer.pk}/").content.decode()
    response = client.post(
        f"/pelatihan/{dearer.pk}/beli/",
        {"idempotency_key": "0" * 32, "session": dearer.sessions.get().pk},
    )

    # then the refusal says both amounts, and nothing was bought
    assert 'name="idempotency_key"' not in page
    assert response.status_code == 409
    assert "Saldo kartu Anda Rp 200.000; pelatihan ini seharga Rp 300.000." in (
        response.content.decode()
    )
    assert Purchase.objects.filter(user=person).count() == 1
    assert get_card_balance(card=card) == 200_000


def test_a_full_session_is_refused_and_another_can_be_chosen(client):
    # given an in-person course whose first session has its one place sold
    first_buyer, _ = card_holder()
    person, card = card_holder()
    full, other = session_input(capacity=1), session_input(capacity=10)
    offline = course(format=Format.OFFLINE, sessions=[full, other], price=400_000)
    full_session = offline.sessions.get(external_id=full.external_id)
    client.force_login(first_buyer)
    assert buy_on_page(client, offline, session=full_session).status_code == 302

    # when the second person sends the form for the full session
    client.force_login(person)
    response = buy_on_page(client, offline, session=full_session)

    # then it is refused with the reason, and the page offers the other session
    page = response.content.decode()
    assert response.status_code == 409
    assert "Sesi ini sudah penuh. Pilih sesi lain." in page
    assert "10 tempat tersisa" in page
    assert get_card_balance(card=card) == 3_500_000


def test_a_course_already_bought_is_not_offered_again(client):
    person, card = card_holder()
    client.force_login(person)
    webinar = course(price=500_000)
    buy_on_page(client, webinar)

    page = client.get(f"/pelatihan/{webinar.pk}/").content.decode()
    again = client.post(
        f"/pelatihan/{webinar.pk}/beli/",
        {"idempotency_key": "1" * 32, "session": webinar.sessions.get().pk},
    )

    assert "Anda sudah membeli pelatihan ini." in page
    assert again.status_code == 409
    assert "Anda sudah membeli pelatihan ini dengan kartu Anda." in again.content.decode()
    assert get_card_balance(card=card) == 3_000_000


def test_a_visitor_who_sends_the_buy_form_is_asked_to_log_in(client):
    webinar = course()

    response = client.post(f"/pelatihan/{webinar.pk}/beli/", {"idempotency_key": "2" * 32})

    assert response.status_code == 302
    assert response["Location"] == f"/masuk/?next=/pelatihan/{webinar.pk}/"
    assert not Purchase.objects.exists()
