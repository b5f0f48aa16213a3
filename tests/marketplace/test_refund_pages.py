"""In the portal, after the platform cancelled the session: the purchase shows as
refunded with the amount back on the card, the voucher is no longer offered, and the
course can be bought again."""

from __future__ import annotations

import pytest
from django.utils import translation

from bekal.marketplace.models import Purchase
from bekal.marketplace.services.catalogue import add_session
from bekal.marketplace.services.refunds import cancel_session
from tests.marketplace.factories import card_holder, course, session_input
from tests.marketplace.training_steps import buy_on_page

pytestmark = pytest.mark.django_db


def refunded_purchase(client, *, price):
    person, _card = card_holder()
    client.force_login(person)
    c = course(price=price, title="Webinar Akuntansi Pemula")
    assert buy_on_page(client, c).status_code == 302
    purchase = Purchase.objects.get(user=person)
    cancel_session(
        platform=c.platform,
        course_external_id=c.external_id,
        session_external_id=purchase.session.external_id,
        reason="Instruktur berhalangan hadir.",
    )
    return purchase


def test_the_purchase_page_shows_the_refund_and_offers_another_session(client):
    # given a card holder whose session was cancelled after buying it
    purchase = refunded_purchase(client, price=500_000)
    # when the person opens the purchase page
    page = client.get(f"/kartu/pelatihan/{purchase.pk}/").content.decode()
    # then it says refunded, with the amount back and the way to choose again
    with translation.override("id"):
        refunded = str(Purchase.Status.REFUNDED.label)
    assert f'data-testid="purchase-status">{refunded}<' in page
    assert 'data-testid="refund-amount">Rp 500.000<' in page
    assert f'href="/pelatihan/{purchase.course_id}/"' in page
    assert "Instruktur berhalangan hadir." in page
    # and the voucher code is not offered as usable
    assert purchase.voucher_display not in page
    assert 'data-testid="voucher-code"' not in page


def test_the_training_panel_shows_the_balance_back_and_the_course_is_for_sale_again(client):
    # given a card holder whose session was cancelled after buying it
    purchase = refunded_purchase(client, price=500_000)
    # and a new session of the course
    add_session(course=purchase.course, session=session_input())
    # when the person opens the home page and the course page
    home = client.get("/").content.decode()
    course_page = client.get(f"/pelatihan/{purchase.course_id}/").content.decode()
    # then the whole balance is back, the purchase is listed as refunded, without voucher
    assert 'data-testid="training-balance">Rp 3.500.000<' in home
    assert f'data-purchase="{purchase.pk}"' in home
    assert 'data-testid="refunded"' in home
    assert purchase.voucher_display not in home
    assert 'data-step="buy" data-done="false"' in home
    # and the course can be bought again, in the new session
    assert 'data-state="ready"' in course_page
