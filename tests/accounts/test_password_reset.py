import re

import pytest

from bekal.accounts import services
from bekal.accounts.errors import InvalidLinkError, TooManyAttemptsError
from bekal.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

PASSWORD = "kopi-tubruk-2020"
RESET_LINK = re.compile(r"/sandi/atur/([^/]+)/([^/]+)/")


def reset_link_parts(email):
    body = OutboxMessage.objects.filter(kind="password_reset", recipient=email).first().body
    return RESET_LINK.search(body).groups()


def test_a_reset_link_sets_a_new_password_once_and_confirms_the_email():
    services.sign_up(full_name="Siti", email="siti@contoh.id", password=PASSWORD)
    services.request_password_reset(email="Siti@contoh.id", ip="10.0.0.1")
    uidb64, token = reset_link_parts("siti@contoh.id")

    services.reset_password(uidb64=uidb64, token=token, password="teh-manis-2021")

    assert services.log_in(email="siti@contoh.id", password="teh-manis-2021", ip="10.0.0.2")
    with pytest.raises(InvalidLinkError):
        services.reset_password(uidb64=uidb64, token=token, password="another-one-2022")


def test_asking_a_reset_for_an_unknown_email_answers_the_same_and_sends_nothing():
    services.request_password_reset(email="tidak-ada@contoh.id", ip="10.0.0.1")

    assert OutboxMessage.objects.count() == 0


def test_reset_requests_are_limited_per_account_whether_or_not_it_exists(settings):
    services.sign_up(full_name="Siti", email="siti@contoh.id", password=PASSWORD)

    for n in range(settings.BEKAL_RESET_REQUESTS_PER_ACCOUNT):
        services.request_password_reset(email="siti@contoh.id", ip=f"10.0.0.{n}")
        services.request_password_reset(email="nobody@contoh.id", ip=f"10.0.1.{n}")
    with pytest.raises(TooManyAttemptsError):
        services.request_password_reset(email="siti@contoh.id", ip="10.0.0.99")
    with pytest.raises(TooManyAttemptsError):
        services.request_password_reset(email="nobody@contoh.id", ip="10.0.1.99")

    assert OutboxMessage.objects.filter(kind="password_reset").count() == 3


def test_a_weak_new_password_is_refused_and_the_old_one_still_works():
    user = services.sign_up(full_name="Siti", email="siti@contoh.id", password=PASSWORD)
    services.request_password_reset(email="siti@contoh.id")
    uidb64, token = reset_link_parts("siti@contoh.id")

    with pytest.raises(services.InvalidSignUpError):
        services.reset_password(uidb64=uidb64, token=token, password="123")

    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_forged_reset_link_is_refused():
    services.sign_up(full_name="Siti", email="siti@contoh.id", password=PASSWORD)

    with pytest.raises(InvalidLinkError):
        services.reset_password(uidb64="MQ", token="abc-def", password="teh-manis-2021")
