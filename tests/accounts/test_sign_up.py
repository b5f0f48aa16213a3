import re

import pytest
from django.core import mail
from django.utils import translation

from bekal.accounts import services
from bekal.accounts.errors import (
    ExpiredLinkError,
    InvalidLinkError,
    ResendTooSoonError,
    TooManyAttemptsError,
)
from bekal.accounts.models import User
from bekal.accounts.services import InvalidSignUpError
from bekal.core.models import AuditEvent
from bekal.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://\S+/konfirmasi/(\S+)/")


def sign_up(email="siti@contoh.id", password="kopi-tubruk-2020", name="Siti Aminah"):
    return services.sign_up(full_name=name, email=email, password=password, ip="10.1.2.3")


def confirmation_token(email):
    message = OutboxMessage.objects.filter(recipient=email, kind="account_confirmation").first()
    return LINK.search(message.body).group(1)


def test_sign_up_creates_an_unconfirmed_account_and_queues_the_confirmation_email():
    user = sign_up(email="  Siti@Contoh.ID ")

    assert user.email == "siti@contoh.id"
    assert not user.email_confirmed
    message = OutboxMessage.objects.get(recipient="siti@contoh.id")
    assert message.kind == "account_confirmation"
    assert message.status == OutboxMessage.Status.QUEUED
    assert "/konfirmasi/" in message.body
    assert AuditEvent.objects.filter(action="account.signed_up", object_id=str(user.pk)).exists()


def test_the_password_is_stored_as_an_argon2id_hash_with_owasp_parameters():
    user = sign_up()

    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert "kopi-tubruk-2020" not in user.password


def test_the_confirmation_email_is_written_in_indonesian_by_default():
    sign_up()

    message = OutboxMessage.objects.get()
    assert "Konfirmasi" in message.subject
    assert "Halo Siti Aminah" in message.body


def test_the_confirmation_email_follows_the_language_chosen_at_sign_up():
    services.sign_up(
        full_name="Budi", email="budi@contoh.id", password="kopi-tubruk-2020", language="en"
    )

    assert OutboxMessage.objects.get().subject == "Confirm your Bekal account"


def test_signing_up_again_with_a_taken_email_creates_nothing_and_warns_the_owner():
    first = sign_up()

    again = sign_up(email="SITI@contoh.id", name="Someone Else")

    assert again is None
    assert User.objects.count() == 1
    assert User.objects.get().full_name == first.full_name
    notice = OutboxMessage.objects.get(kind="account_exists")
    assert notice.recipient == "siti@contoh.id"


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("email", {"email": "not-an-email"}),
        ("password", {"password": "short"}),
        ("password", {"password": "12345678901"}),
        ("full_name", {"name": "   "}),
    ],
)
def test_bad_sign_up_input_is_refused_with_a_message_for_the_field_and_changes_nothing(
    field, kwargs
):
    with translation.override("id"), pytest.raises(InvalidSignUpError) as refused:
        sign_up(**kwargs)

    assert field in refused.value.errors
    assert refused.value.errors[field][0]
    assert User.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_the_confirmation_link_confirms_the_email_once_and_stays_harmless_after():
    user = sign_up()
    token = confirmation_token(user.email)

    services.confirm_email(token=token)
    services.confirm_email(token=token)

    user.refresh_from_db()
    assert user.email_confirmed
    assert AuditEvent.objects.filter(action="account.email_confirmed").count() == 1


def test_a_tampered_confirmation_link_is_refused():
    user = sign_up()
    token = confirmation_token(user.email)

    with pytest.raises(InvalidLinkError):
        services.confirm_email(token=token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))

    user.refresh_from_db()
    assert not user.email_confirmed


def test_an_expired_confirmation_link_is_refused(settings):
    user = sign_up()
    token = confirmation_token(user.email)
    settings.BEKAL_CONFIRMATION_MAX_AGE = -1

    with pytest.raises(ExpiredLinkError):
        services.confirm_email(token=token)


def test_resending_the_confirmation_is_throttled_per_minute():
    sign_up()

    with pytest.raises(ResendTooSoonError) as refused:
        services.resend_confirmation(email="siti@contoh.id")

    assert 0 < refused.value.retry_after <= 60
    assert OutboxMessage.objects.filter(kind="account_confirmation").count() == 1


def test_resending_works_after_the_interval_and_is_capped_per_day(settings):
    settings.BEKAL_CONFIRMATION_RESEND_INTERVAL = 0
    sign_up()

    for _ in range(4):
        services.resend_confirmation(email="siti@contoh.id")
    with pytest.raises(TooManyAttemptsError):
        services.resend_confirmation(email="siti@contoh.id")

    assert OutboxMessage.objects.filter(kind="account_confirmation").count() == 5


def test_resending_to_an_unknown_address_answers_like_a_known_one_and_sends_nothing():
    services.resend_confirmation(email="nobody@contoh.id")

    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []
