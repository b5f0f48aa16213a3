import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from bekal.accounts import services
from bekal.accounts.errors import (
    OtpExpiredError,
    OtpMalformedError,
    OtpNotRequestedError,
    OtpResendTooSoonError,
    OtpTooManyAttemptsError,
    OtpTooManySendsError,
    OtpWrongError,
    PhoneAlreadyVerifiedError,
    PhoneNotMobileError,
)
from bekal.accounts.models import PhoneChallenge, PhoneFlag, VerifiedPhone
from bekal.accounts.phone_verification import (
    code_message,
    phone_index,
    resend_phone_code,
    send_phone_code,
    verify_phone_code,
)
from bekal.accounts.selectors import get_phone_status, list_phone_flags
from bekal.core.crypto import decrypt
from bekal.core.models import AuditEvent
from bekal.notifications.models import OutboxMessage
from bekal.notifications.sms import count_segments, gsm7_length

pytestmark = pytest.mark.django_db

PHONE = "0812-3456-7890"
E164 = "+6281234567890"
OTHER_PHONE = "0857 1111 2222"


def participant(email="siti@contoh.id", language="id"):
    user = services.sign_up(
        full_name="Siti Aminah", email=email, password="kopi-tubruk-2020", language=language
    )
    user.email_confirmed_at = timezone.now()
    user.save()
    return user


def sent_codes(to=E164):
    """The codes the SMS to `to` carried, oldest first (as the phone's owner reads them)."""
    messages = OutboxMessage.objects.filter(channel=OutboxMessage.Channel.SMS).order_by(
        "created_at", "id"
    )
    return [re.search(r"\b([0-9]{6})\b", m.body).group(1) for m in messages if m.address == to]


def later(seconds, since=None):
    return (since or timezone.now()) + timedelta(seconds=seconds)


def test_a_six_digit_code_goes_by_sms_in_the_users_language():
    user = participant()

    send_phone_code(user=user, phone=PHONE)

    sms = OutboxMessage.objects.get(channel=OutboxMessage.Channel.SMS)
    assert sms.address == E164
    assert sms.recipient == "0812****7890"  # the outbox shows the number masked
    assert E164 not in sms.recipient_encrypted
    assert sms.user == user
    assert sms.body.startswith("Kode Bekal Anda: ")
    assert "Jangan berikan kode ini kepada siapa pun" in sms.body
    assert len(sent_codes()) == 1


def test_an_english_speaker_gets_the_sms_in_english():
    user = participant(language="en")

    send_phone_code(user=user, phone=PHONE)

    assert OutboxMessage.objects.get(channel="sms").body.startswith("Your Bekal code: ")


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_code_sms_fits_one_plain_segment_even_with_a_long_domain(language, settings):
    settings.SITE_URL = "https://pendaftaran.prakerja-daerah-istimewa.go.id"

    body = code_message(code="123456", language=language)

    assert gsm7_length(body) is not None
    assert count_segments(body) == 1


def test_the_sms_binds_the_code_to_the_sites_domain(settings):
    settings.SITE_URL = "https://bekal.go.id"

    body = code_message(code="123456", language="id")

    assert body.endswith("\n\n@bekal.go.id #123456")


def test_neither_the_code_nor_the_number_is_readable_in_the_database():
    user = participant()
    send_phone_code(user=user, phone=PHONE)
    (code,) = sent_codes()

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {PhoneChallenge._meta.db_table}")  # noqa: S608
        row = " ".join(str(value) for value in cursor.fetchone())

    assert code not in row
    assert "81234567890" not in row
    assert "0812****7890" in row  # the masked form, for display


def test_the_right_code_verifies_the_number_and_keeps_it_encrypted():
    user = participant()
    send_phone_code(user=user, phone=PHONE)
    (code,) = sent_codes()

    verified = verify_phone_code(user=user, code=code)

    assert decrypt(verified.phone_encrypted) == E164
    assert verified.phone_index == phone_index(E164)
    assert "81234567890" not in verified.phone_encrypted
    status = get_phone_status(user=user)
    assert status.verified
    assert status.masked_number == "0812****7890"
    assert status.verified_at == verified.verified_at
    assert status.code_state == "verified"
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["phone.code_sent", "phone.verified"]


def test_a_code_typed_with_spaces_is_accepted():
    user = participant()
    send_phone_code(user=user, phone=PHONE)
    (code,) = sent_codes()

    verify_phone_code(user=user, code=f" {code[:3]} {code[3:]} ")

    assert get_phone_status(user=user).verified


def test_a_code_is_refused_after_five_minutes():
    user = participant()
    challenge = send_phone_code(user=user, phone=PHONE)
    (code,) = sent_codes()

    with pytest.raises(OtpExpiredError) as refused:
        verify_phone_code(user=user, code=code, now=later(300, challenge.created_at))

    assert refused.value.code == "otp_expired"
    assert not get_phone_status(user=user).verified
    assert get_phone_status(user=user, now=later(300, challenge.created_at)).code_state == (
        "expired"
    )


def test_a_code_still_works_just_before_it_expires():
    user = participant()
    challenge = send_phone_code(user=user, phone=PHONE)
    (code,) = sent_codes()

    verify_phone_code(user=user, code=code, now=later(299, challenge.created_at))

    assert get_phone_status(user=user).verified


def test_wrong_codes_count_down_and_then_kill_the_code(settings):
    settings.BEKAL_OTP_MAX_ATTEMPTS = 5
    user = participant()
    send_phone_code(user=user, phone=PHONE)
    (code,) = sent_codes()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    left = []
    for _ in range(4):
        with pytest.raises(OtpWrongError) as refused:
            verify_phone_code(user=user, code=wrong)
        left.append(refused.value.params["attempts_left"])
    with pytest.raises(OtpTooManyAttemptsError):
        verify_phone_code(user=user, code=wrong)
    with pytest.raises(OtpTooManyAttemptsError):
        verify_phone_code(user=user, code=code)

    assert left == [4, 3, 2, 1]
    assert "Sisa percobaan untuk kode ini: 1." in str(refused.value)
    assert not get_phone_status(user=user).verified
    assert get_phone_status(user=user).code_state == "blocked"
    assert AuditEvent.objects.filter(action="phone.code_blocked").count() == 1


def test_a_new_code_works_after_the_old_one_was_killed(settings):
    settings.BEKAL_OTP_MAX_ATTEMPTS = 1
    user = participant()
    challenge = send_phone_code(user=user, phone=PHONE)
    with pytest.raises(OtpTooManyAttemptsError):
        verify_phone_code(user=user, code="000000" if sent_codes()[0] != "000000" else "111111")

    resend_phone_code(user=user, now=later(61, challenge.created_at))
    new_code = sent_codes()[-1]
    verify_phone_code(user=user, code=new_code, now=later(62, challenge.created_at))

    assert get_phone_status(user=user).verified


def test_a_malformed_code_is_refused_without_using_an_attempt():
    user = participant()
    send_phone_code(user=user, phone=PHONE)

    for typed in ["12345", "1234567", "abcdef", ""]:
        with pytest.raises(OtpMalformedError):
            verify_phone_code(user=user, code=typed)

    assert get_phone_status(user=user).attempts_left == 5


def test_a_code_cannot_be_checked_before_one_was_asked_for():
    user = participant()

    with pytest.raises(OtpNotRequestedError):
        verify_phone_code(user=user, code="123456")
    with pytest.raises(OtpNotRequestedError):
        resend_phone_code(user=user)


def test_a_new_code_waits_for_the_resend_interval_and_replaces_the_old_one():
    user = participant()
    first = send_phone_code(user=user, phone=PHONE)

    with pytest.raises(OtpResendTooSoonError) as refused:
        resend_phone_code(user=user, now=later(30, first.created_at))
    resend_phone_code(user=user, now=later(60, first.created_at))

    assert refused.value.retry_after == 30
    assert refused.value.http_status == 429
    old_code, new_code = sent_codes()
    if old_code != new_code:
        with pytest.raises(OtpWrongError):
            verify_phone_code(user=user, code=old_code, now=later(61, first.created_at))
    verify_phone_code(user=user, code=new_code, now=later(62, first.created_at))
    assert get_phone_status(user=user).verified


def test_entering_another_number_does_not_skip_the_resend_interval():
    user = participant()
    first = send_phone_code(user=user, phone=PHONE)

    with pytest.raises(OtpResendTooSoonError):
        send_phone_code(user=user, phone=OTHER_PHONE, now=later(10, first.created_at))


def test_an_account_gets_at_most_five_codes_a_day(settings):
    settings.BEKAL_OTP_MAX_SENDS_PER_DAY = 5
    user = participant()
    start = timezone.now()
    send_phone_code(user=user, phone=PHONE, now=start)
    for n in range(1, 5):
        resend_phone_code(user=user, now=later(61 * n, start))

    with pytest.raises(OtpTooManySendsError) as refused:
        resend_phone_code(user=user, now=later(61 * 5, start))
    with pytest.raises(OtpTooManySendsError):
        send_phone_code(user=user, phone=OTHER_PHONE, now=later(61 * 5, start))
    resend_phone_code(user=user, now=later(24 * 3600 + 1, start))

    assert refused.value.retry_after == 24 * 3600 - 61 * 5
    assert refused.value.code == "otp_too_many_sends"
    assert len(sent_codes()) == 6


def test_many_accounts_cannot_flood_one_number_with_codes(settings):
    settings.BEKAL_OTP_MAX_SENDS_PER_DAY = 3
    start = timezone.now()
    send_phone_code(user=participant("u0@contoh.id"), phone=PHONE, now=start)

    with pytest.raises(OtpResendTooSoonError):
        send_phone_code(user=participant("cepat@contoh.id"), phone=PHONE, now=later(10, start))
    send_phone_code(user=participant("u1@contoh.id"), phone=PHONE, now=later(61, start))
    send_phone_code(user=participant("u2@contoh.id"), phone=PHONE, now=later(122, start))
    with pytest.raises(OtpTooManySendsError):
        send_phone_code(user=participant("u3@contoh.id"), phone=PHONE, now=later(200, start))

    assert len(sent_codes()) == 3


def test_a_bad_number_changes_nothing():
    user = participant()

    with pytest.raises(PhoneNotMobileError):
        send_phone_code(user=user, phone="(021) 555-1234")

    assert PhoneChallenge.objects.count() == 0
    assert not OutboxMessage.objects.filter(channel=OutboxMessage.Channel.SMS).exists()


def verify(user, phone=PHONE, now=None):
    send_phone_code(user=user, phone=phone, now=now)
    to = "+62" + re.sub(r"\D", "", phone)[1:]
    return verify_phone_code(user=user, code=sent_codes(to)[-1], now=now)


def test_a_number_verified_by_three_accounts_is_flagged_not_refused(settings):
    settings.BEKAL_PHONE_MAX_ACCOUNTS = 2
    start = timezone.now()
    for n in range(2):
        verify(participant(f"keluarga{n}@contoh.id"), now=later(61 * n, start))
    assert not PhoneFlag.objects.exists()

    third = verify(participant("keluarga2@contoh.id"), now=later(130, start))

    assert third.user.email == "keluarga2@contoh.id"
    (flag,) = list_phone_flags()
    assert flag.account_count == 3
    assert flag.phone_masked == "0812****7890"
    assert flag.phone_index == phone_index(E164)
    event = AuditEvent.objects.get(action="phone.flagged")
    assert event.details["account_count"] == 3
    assert E164 not in str(event.details)


def test_a_fourth_account_on_a_reviewed_number_puts_it_back_for_review(settings):
    settings.BEKAL_PHONE_MAX_ACCOUNTS = 2
    start = timezone.now()
    for n in range(3):
        verify(participant(f"k{n}@contoh.id"), now=later(61 * n, start))
    PhoneFlag.objects.update(reviewed_at=timezone.now())
    assert list(list_phone_flags()) == []

    verify(participant("k3@contoh.id"), now=later(200, start))

    (flag,) = list_phone_flags()
    assert flag.account_count == 4


def test_the_number_already_verified_cannot_be_verified_again():
    user = participant()
    verify(user)

    with pytest.raises(PhoneAlreadyVerifiedError):
        send_phone_code(user=user, phone="+62 812 3456 7890", now=later(120))


def test_changing_the_number_is_a_new_verification_and_keeps_the_history():
    user = participant()
    first = verify(user)
    status_before = get_phone_status(user=user)

    send_phone_code(user=user, phone=OTHER_PHONE, now=later(120))
    assert get_phone_status(user=user).masked_number == "0812****7890"  # until verified
    second = verify_phone_code(user=user, code=sent_codes("+6285711112222")[-1], now=later(121))

    first.refresh_from_db()
    assert first.replaced_at == second.verified_at
    assert get_phone_status(user=user).masked_number == "0857****2222"
    assert get_phone_status(user=user).verified_at > status_before.verified_at
    assert VerifiedPhone.objects.filter(user=user).count() == 2


def test_the_status_shows_a_waiting_code_with_its_expiry_and_the_next_resend():
    user = participant()
    challenge = send_phone_code(user=user, phone=PHONE)

    status = get_phone_status(user=user, now=later(10, challenge.created_at))

    assert not status.verified
    assert status.code_state == "waiting"
    assert status.pending_masked_number == "0812****7890"
    assert status.pending_expires_at == later(300, challenge.created_at)
    assert status.attempts_left == 5
    assert status.next_code_at == later(60, challenge.created_at)


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_the_code_through_the_configured_gateway(worker):
    user = participant()
    send_phone_code(user=user, phone=PHONE)

    worker()

    sms = OutboxMessage.objects.get(channel=OutboxMessage.Channel.SMS)
    assert sms.status == OutboxMessage.Status.SENT
    assert sms.gateway_message_id.startswith("outbox-")
    (code,) = sent_codes()  # the demo's outbox keeps the code readable at /dev/outbox
    verify_phone_code(user=user, code=code)
    assert get_phone_status(user=user).verified


def test_a_site_reached_by_ip_address_sends_the_code_without_the_domain_line(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"

    body = code_message(code="123456", language="id")

    assert "@" not in body
