"""The client's address: X-Forwarded-For is believed only from the trusted proxies."""

import pytest
from django.test import RequestFactory
from django.utils import timezone

from bekal.accounts.models import User
from bekal.core.client_address import client_ip

PROXY = "10.0.0.5"


def address(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.BEKAL_TRUSTED_PROXIES = []

    assert address("198.51.100.7", "203.0.113.9") == "198.51.100.7"


def test_behind_a_trusted_proxy_the_client_is_the_right_most_untrusted_hop(settings):
    settings.BEKAL_TRUSTED_PROXIES = ["10.0.0.0/8"]

    assert address(PROXY, "203.0.113.9") == "203.0.113.9"
    # A client that writes its own header cannot choose its address: the proxy appends.
    assert address(PROXY, "1.2.3.4, 203.0.113.9") == "203.0.113.9"
    assert address(PROXY, "203.0.113.9, 10.0.0.7") == "203.0.113.9"
    assert address(PROXY, "not-an-address") == PROXY
    assert address(PROXY) == PROXY


def test_a_header_from_an_untrusted_address_is_not_believed(settings):
    settings.BEKAL_TRUSTED_PROXIES = ["10.0.0.0/8"]

    assert address("198.51.100.7", "203.0.113.9") == "198.51.100.7"


@pytest.mark.django_db
def test_behind_the_load_balancer_one_address_guessing_does_not_lock_out_the_others(
    client, settings
):
    settings.BEKAL_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.BEKAL_LOGIN_FAILURES_PER_IP = 5
    User.objects.create_user(
        email="siti@contoh.id",
        password="kopi-tubruk-2020",
        full_name="Siti Aminah",
        email_confirmed_at=timezone.now(),
    )

    guesses = [
        client.post(
            "/masuk/",
            {"email": f"tebak{n}@contoh.id", "password": "salah-sandi"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="203.0.113.66",
        ).status_code
        for n in range(6)
    ]
    siti = client.post(
        "/masuk/",
        {"email": "siti@contoh.id", "password": "kopi-tubruk-2020"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )

    assert guesses[-1] == 429  # the guessing address is stopped
    assert siti.status_code == 302  # another citizen behind the same balancer gets in
