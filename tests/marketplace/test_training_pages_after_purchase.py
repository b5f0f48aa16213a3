"""After the purchase, in the portal: the card holder's home and card pages, the page of
a bought training, the review form, the certificate and its public verification page."""

from __future__ import annotations

import re

import pytest

from bekal.core import crypto
from bekal.marketplace.models import Purchase, Review
from bekal.registration.models import Profile
from tests.marketplace.factories import card_holder, course
from tests.marketplace.training_steps import buy_on_page, completed

pytestmark = pytest.mark.django_db


def bought(client, person, **kwargs) -> Purchase:
    client.force_login(person)
    assert buy_on_page(client, course(**kwargs)).status_code == 302
    return Purchase.objects.filter(user=person).latest("pk")


def readiness(page: str) -> dict[str, tuple[str, bool]]:
    """The "before your first incentive" steps: done or not, and which one is next."""
    steps = re.findall(
        r'<li data-step="(\w+)" data-done="(\w+)" class="[^"]*"( aria-current)?', page
    )
    return {code: (done, bool(current)) for code, done, current in steps}


# --- the card holder's home and card pages ---------------------------------------------


def test_a_new_card_holder_is_told_to_buy_a_training_first(client):
    person, _card = card_holder()
    client.force_login(person)

    page = client.get("/").content.decode()

    assert 'data-testid="training-balance">Rp 3.500.000<' in page
    assert readiness(page) == {
        "buy": ("false", True),
        "complete": ("false", False),
        "review": ("false", False),
    }
    assert "Cari pelatihan" in page and 'href="/pelatihan/"' in page
    # and the registration journey is still there
    assert 'data-step="wave"' in page


def test_after_buying_the_home_shows_the_voucher_the_session_and_the_lower_balance(client):
    person, _card = card_holder()
    purchase = bought(client, person, price=500_000, title="Webinar Akuntansi Pemula")

    home = client.get("/").content.decode()
    card_page = client.get("/kartu/").content.decode()

    assert 'data-testid="training-balance">Rp 3.000.000<' in home
    for page in (home, card_page):
        assert purchase.voucher_display in page
        assert "Webinar Akuntansi Pemula" in page
        assert "Belum dimulai" in page
    assert readiness(home)["complete"] == ("false", True)
    assert 'data-testid="upcoming"' in home
    # the card page no longer warns that the card is revoked without a purchase
    assert 'data-testid="card-deadline"' not in card_page


def test_a_completed_training_shows_its_certificate_and_asks_for_a_review(client):
    person, _card = card_holder()
    purchase = bought(client, person)
    completed(purchase, certificate="SERT-0042")

    home = client.get("/").content.decode()

    assert "Sertifikat SERT-0042" in home
    assert f'href="/kartu/pelatihan/{purchase.pk}/#ulasan"' in home
    assert readiness(home)["review"] == ("false", True)
    assert "Selesai" in home


def test_a_person_without_a_card_sees_no_training_panel(client, django_user_model):
    person = django_user_model.objects.create_user(
        email="belum.terpilih@contoh.id", password="x", full_name="Belum Terpilih"
    )
    client.force_login(person)

    page = client.get("/").content.decode()

    assert 'data-testid="training-panel"' not in page
    assert 'data-step="wave"' in page


# --- the page of a bought training -------------------------------------------------------


def test_the_purchase_page_shows_the_voucher_big_and_what_comes_next(client):
    person, _card = card_holder()
    purchase = bought(client, person)

    page = client.get(f"/kartu/pelatihan/{purchase.pk}/").content.decode()

    assert f'data-testid="voucher-code">{purchase.voucher_display}<' in page
    assert "Langkah berikutnya" in page
    assert "ulasan diperlukan sebelum insentif pertama Anda dibayarkan" in page
    assert 'data-testid="certificate"' not in page


def test_another_persons_purchase_page_is_not_found(client):
    owner, _ = card_holder()
    purchase = bought(client, owner)
    other, _ = card_holder()
    client.force_login(other)

    response = client.get(f"/kartu/pelatihan/{purchase.pk}/")
    review = client.post(f"/kartu/pelatihan/{purchase.pk}/ulasan/", {"rating": "1"})

    assert response.status_code == 404 and review.status_code == 404
    assert purchase.voucher_display not in response.content.decode()
    assert not Review.objects.exists()


def test_a_training_not_yet_completed_cannot_be_reviewed(client):
    person, _card = card_holder()
    purchase = bought(client, person)

    response = client.post(f"/kartu/pelatihan/{purchase.pk}/ulasan/", {"rating": "5"})

    assert response.status_code == 409
    assert "Anda dapat memberi ulasan setelah menyelesaikan pelatihan." in (
        response.content.decode()
    )
    assert not Review.objects.exists()


def test_a_review_without_stars_is_refused_then_a_review_is_shown_once_sent(client):
    # given a completed training
    person, _card = card_holder()
    purchase = bought(client, person)
    completed(purchase)
    url = f"/kartu/pelatihan/{purchase.pk}/"
    assert 'name="rating"' in client.get(url).content.decode()

    # when the person sends the form without choosing stars
    refused = client.post(f"{url}ulasan/", {"comment": "Materinya jelas."})

    # then it is refused, and what was typed is kept
    assert refused.status_code == 400
    assert "Pilih 1 sampai 5 bintang." in refused.content.decode()
    assert "Materinya jelas." in refused.content.decode()

    # when they choose 4 stars and send it
    sent = client.post(f"{url}ulasan/", {"rating": "4", "comment": "Materinya jelas."})

    # then the page shows the review instead of the form, and the course page lists it
    page = client.get(url).content.decode()
    assert sent.status_code == 302 and sent["Location"] == url
    assert "Terima kasih atas ulasan Anda." in page
    assert 'data-testid="review-comment">Materinya jelas.<' in page
    assert 'name="rating"' not in page
    course_page = client.get(f"/pelatihan/{purchase.course_id}/").content.decode()
    assert "★★★★☆" in course_page and "Materinya jelas." in course_page
    assert "1 ulasan" in course_page


# --- the certificate ---------------------------------------------------------------------


def test_the_owner_sees_the_certificate_with_a_qr_code_of_its_public_address(client, settings):
    settings.SITE_URL = "https://bekal.example.id"
    person, _card = card_holder()
    purchase = bought(client, person)
    completion = completed(purchase, certificate="SERT/2026/77")

    page = client.get(f"/kartu/pelatihan/{purchase.pk}/").content.decode()

    address = f"https://bekal.example.id/sertifikat/{completion.verification_token}/"
    assert 'data-testid="certificate-number">SERT/2026/77<' in page
    assert f'href="{address}"' in page
    assert '<svg width="' in page and 'class="segno"' in page


def test_the_public_page_confirms_the_certificate_without_personal_data(client):
    # given a card holder named Siti Rahmawati Lestari with a completed training
    person, _card = card_holder()
    type(person).objects.filter(pk=person.pk).update(full_name="Siti Rahmawati Lestari")
    purchase = bought(client, person, title="Dasar Akuntansi untuk UMKM")
    completion = completed(purchase, certificate="SERT-1001")
    profile = Profile.objects.get(user=person)
    nik = crypto.decrypt(profile.nik_encrypted)

    # when anybody opens its verification address, logged out
    client.logout()
    response = client.get(f"/sertifikat/{completion.verification_token}/")

    # then it confirms the certificate, with the holder's initials only
    page = response.content.decode()
    assert response.status_code == 200
    assert "Sertifikat ini sah." in page
    assert "SERT-1001" in page and "Dasar Akuntansi untuk UMKM" in page
    assert 'data-testid="holder">S. R. L.<' in page
    for personal in ("Siti", "Rahmawati", "Lestari", person.email, nik, profile.nik_masked):
        assert personal not in page


def test_an_unknown_certificate_address_is_not_found(client):
    response = client.get("/sertifikat/" + "0" * 32 + "/")
    short = client.get("/sertifikat/abc/")

    assert response.status_code == short.status_code == 404
    assert "Tidak ada sertifikat yang cocok dengan alamat ini." in response.content.decode()
