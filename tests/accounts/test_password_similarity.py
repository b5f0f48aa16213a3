"""A password may not be the person's name (run together or not) or email."""

import pytest
from django.utils import translation

from bekal.accounts import services

pytestmark = pytest.mark.django_db

REFUSAL = "Kata sandi terlalu mirip dengan nama atau alamat email Anda."


@pytest.mark.parametrize("password", ["budisantoso", "BudiSantoso99", "santoso.budi"])
def test_the_full_name_as_password_is_refused_in_indonesian(password):
    with translation.override("id"), pytest.raises(services.InvalidSignUpError) as refused:
        services.sign_up(full_name="Budi Santoso", email="b.s@contoh.id", password=password)

    assert refused.value.errors["password"] == [REFUSAL]


def test_the_email_as_password_is_refused():
    with pytest.raises(services.InvalidSignUpError) as refused:
        services.sign_up(full_name="Siti", email="kopitubruk@contoh.id", password="kopitubruk")

    assert "password" in refused.value.errors


def test_the_sign_up_page_shows_the_refusal_and_creates_nothing(client):
    from bekal.accounts.models import User

    response = client.post(
        "/daftar/",
        {"full_name": "Budi Santoso", "email": "budi@contoh.id", "password": "budisantoso"},
    )

    assert response.status_code == 400
    assert REFUSAL in response.content.decode()
    assert not User.objects.filter(email="budi@contoh.id").exists()


def test_an_unrelated_password_is_accepted():
    user = services.sign_up(full_name="Budi Santoso", email="b@contoh.id", password="kopi-2020!")

    assert user is not None
