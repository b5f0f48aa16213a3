"""Phone-number accounts: opened without email or password, activated by the code on the
citizen's own phone, password set later by the citizen, login by phone and password,
every notice by SMS."""

import re

import pytest

from bekal.accounts import phone_accounts, services
from bekal.accounts.errors import (
    InvalidPhoneCredentialsError,
    LoginIdentifierInvalidError,
    OtpWrongError,
    PasswordCodeInvalidError,
    PhoneAccountExistsError,
    PhoneAccountNotActivatedError,
)
from bekal.accounts.models import User, VerifiedPhone
from bekal.core.models import AuditEvent
from bekal.notifications.models import OutboxMessage
from bekal.notifications.services import queue_templated_email

pytestmark = pytest.mark.django_db

PHONE = "0812-3456-7890"
E164 = "+6281234567890"
PASSWORD = "sambal-terasi-91"


def sms_to(e164=E164, kind=None):
    messages = OutboxMessage.objects.filter(channel="sms").order_by("created_at", "id")
    if kind:
        messages = messages.filter(kind=kind)
    return [m for m in messages if m.address == e164]


def last_code(kind):
    return re.search(r"\b([0-9]{6})\b", sms_to(kind=kind)[-1].body).group(1)


def opened(full_name="Siti Aminah", phone=PHONE):
    return phone_accounts.open_phone_account(
        full_name=full_name, phone=phone, desk_name="Meja Disnaker Kota Bengkulu"
    )


def activated():
    user = opened()
    return phone_accounts.activate_phone_account(
        user=user, code=last_code("phone_verification_code")
    )


def test_an_account_opened_by_phone_has_no_email_no_usable_password_and_gets_an_sms_code():
    user = opened()

    user.refresh_from_db()
    assert user.email is None
    assert not user.has_usable_password()
    assert not user.account_confirmed
    assert user.login_phone_masked == "0812****7890"
    (sms,) = sms_to()
    assert "Meja Disnaker Kota Bengkulu" in sms.body
    assert re.search(r"\b[0-9]{6}\b", sms.body)


def test_the_same_person_sent_twice_gets_one_account_and_one_code():
    first = opened()
    second = opened()

    assert first.pk == second.pk
    assert User.objects.filter(login_phone_masked="0812****7890").count() == 1
    assert len(sms_to()) == 1


def test_a_number_that_has_an_account_refuses_another_person():
    activated()

    with pytest.raises(PhoneAccountExistsError):
        opened(full_name="Budi Santoso")
    assert User.objects.filter(login_phone_masked="0812****7890").count() == 1


def test_the_sms_code_activates_the_account_and_verifies_its_phone():
    user = activated()

    assert user.account_confirmed
    phone = VerifiedPhone.objects.get(user=user, replaced_at__isnull=True)
    assert phone.phone_index == user.login_phone_index
    assert AuditEvent.objects.filter(action="account.phone_account_activated").count() == 1


def test_a_wrong_activation_code_activates_nothing():
    user = opened()
    code = last_code("phone_verification_code")
    wrong = "000000" if code != "000000" else "111111"

    with pytest.raises(OtpWrongError):
        phone_accounts.activate_phone_account(user=user, code=wrong)
    user.refresh_from_db()
    assert user.phone_confirmed_at is None


def test_the_citizen_sets_the_password_with_a_code_and_then_logs_in_with_phone_and_password():
    user = activated()
    with pytest.raises(InvalidPhoneCredentialsError):
        services.log_in(email=PHONE, password=PASSWORD, ip="10.0.0.1")

    phone_accounts.request_password_code(phone="+62 812 3456 7890")
    phone_accounts.set_password_with_code(
        phone=PHONE, code=last_code("phone_password_code"), password=PASSWORD
    )

    assert services.log_in(email="081234567890", password=PASSWORD, ip="10.0.0.1") == user
    with pytest.raises(InvalidPhoneCredentialsError):
        services.log_in(email=PHONE, password="wrong-password-1", ip="10.0.0.1")


def test_a_code_to_set_the_password_works_once_and_a_wrong_one_sets_nothing():
    activated()
    phone_accounts.request_password_code(phone=PHONE)
    code = last_code("phone_password_code")
    wrong = "000000" if code != "000000" else "111111"

    with pytest.raises(PasswordCodeInvalidError):
        phone_accounts.set_password_with_code(phone=PHONE, code=wrong, password=PASSWORD)
    phone_accounts.set_password_with_code(phone=PHONE, code=code, password=PASSWORD)
    with pytest.raises(PasswordCodeInvalidError):
        phone_accounts.set_password_with_code(phone=PHONE, code=code, password="another-pass-22")
    assert services.log_in(email=PHONE, password=PASSWORD, ip=None)


def test_an_unknown_number_gets_the_same_answer_and_no_sms():
    phone_accounts.request_password_code(phone="0857 1111 2222")

    assert sms_to("+6285711112222") == []


def test_an_account_not_activated_cannot_log_in_even_with_a_password():
    user = opened()
    user.set_password(PASSWORD)
    user.save()

    with pytest.raises(PhoneAccountNotActivatedError):
        services.log_in(email=PHONE, password=PASSWORD, ip=None)


def test_a_login_that_is_neither_an_email_nor_a_mobile_number_is_refused_clearly():
    with pytest.raises(LoginIdentifierInvalidError):
        services.log_in(email="siti", password=PASSWORD, ip=None)


def test_every_email_of_the_journey_goes_by_sms_to_a_phone_number_account():
    user = activated()

    message = queue_templated_email(
        to=user.email,
        kind="account_exists",
        template="accounts/email/account_exists",
        context={
            "name": user.full_name,
            "login_link": "https://bekal.example/masuk/",
            "reset_link": "https://bekal.example/sandi/lupa/",
        },
        language="id",
        user=user,
    )

    assert message.channel == "sms"
    assert message.address == E164
    assert "https://bekal.example/masuk/" in message.body
    assert OutboxMessage.objects.filter(channel="email").count() == 0
