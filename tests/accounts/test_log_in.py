import pytest
from django.utils import timezone

from bekal.accounts import services
from bekal.accounts.errors import (
    AccountInactiveError,
    EmailNotConfirmedError,
    InvalidCredentialsError,
    TooManyAttemptsError,
)
from bekal.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "kopi-tubruk-2020"


def confirmed_user(email="siti@contoh.id"):
    user = services.sign_up(full_name="Siti Aminah", email=email, password=PASSWORD)
    user.email_confirmed_at = timezone.now()
    user.save()
    return user


def log_in(email="siti@contoh.id", password=PASSWORD, ip="10.0.0.1"):
    return services.log_in(email=email, password=password, ip=ip)


def test_a_confirmed_user_logs_in_with_email_in_any_case():
    user = confirmed_user()

    assert log_in(email="SITI@contoh.id ") == user
    assert AuditEvent.objects.filter(action="account.logged_in").count() == 1


def test_an_unconfirmed_user_cannot_log_in_yet():
    services.sign_up(full_name="Siti", email="siti@contoh.id", password=PASSWORD)

    with pytest.raises(EmailNotConfirmedError):
        log_in()


def test_a_wrong_password_and_an_unknown_email_get_the_same_refusal():
    confirmed_user()

    with pytest.raises(InvalidCredentialsError) as wrong_password:
        log_in(password="salah-sandi-123")
    with pytest.raises(InvalidCredentialsError) as unknown:
        log_in(email="tidak-ada@contoh.id")

    assert str(wrong_password.value) == str(unknown.value)
    assert wrong_password.value.code == unknown.value.code == "invalid_credentials"


def test_an_account_is_locked_after_ten_failures_even_with_the_right_password(settings):
    confirmed_user()

    for attempt in range(9):
        with pytest.raises(InvalidCredentialsError):
            log_in(password=f"wrong-{attempt}", ip=f"10.0.1.{attempt}")
    with pytest.raises(TooManyAttemptsError) as locked:
        log_in(password="wrong-last", ip="10.0.2.1")
    with pytest.raises(TooManyAttemptsError):
        log_in(ip="10.0.3.1")

    assert locked.value.retry_after == settings.BEKAL_LOGIN_LOCKOUT_SECONDS


def test_an_unknown_email_is_locked_the_same_way_so_locking_reveals_nothing():
    for attempt in range(9):
        with pytest.raises(InvalidCredentialsError):
            log_in(email="tidak-ada@contoh.id", password=f"w{attempt}", ip=f"10.0.1.{attempt}")

    with pytest.raises(TooManyAttemptsError):
        log_in(email="tidak-ada@contoh.id", ip="10.0.2.1")


def test_one_address_trying_many_accounts_is_locked_out(settings):
    settings.BEKAL_LOGIN_FAILURES_PER_IP = 5
    confirmed_user()

    for n in range(4):
        with pytest.raises(InvalidCredentialsError):
            log_in(email=f"guess{n}@contoh.id", ip="203.0.113.9")
    with pytest.raises(TooManyAttemptsError):
        log_in(email="guess9@contoh.id", ip="203.0.113.9")
    with pytest.raises(TooManyAttemptsError):
        log_in(ip="203.0.113.9")

    assert log_in(ip="203.0.113.10").email == "siti@contoh.id"


def test_a_successful_login_clears_the_account_failures():
    confirmed_user()
    for attempt in range(8):
        with pytest.raises(InvalidCredentialsError):
            log_in(password=f"wrong-{attempt}")

    log_in(ip="10.9.9.9")
    for attempt in range(8):
        with pytest.raises(InvalidCredentialsError):
            log_in(password=f"again-{attempt}", ip="10.9.9.8")

    assert log_in(ip="10.9.9.7")


def test_a_deactivated_account_is_told_so_only_with_the_right_password():
    user = confirmed_user()
    user.is_active = False
    user.save()

    with pytest.raises(InvalidCredentialsError):
        log_in(password="wrong-password-1")
    with pytest.raises(AccountInactiveError):
        log_in()
