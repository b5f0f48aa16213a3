import re

import pytest
from django.urls import reverse
from django.utils import timezone

from bekal.accounts import services
from bekal.accounts.models import PhoneChallenge, User
from bekal.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

NUMBER_URL = reverse("portal:phone_number")
CODE_URL = reverse("portal:phone_code")
RESEND_URL = reverse("portal:phone_resend")
DONE_URL = reverse("portal:phone_done")


def participant(email="siti@contoh.id", role=User.Role.PARTICIPANT):
    user = services.sign_up(full_name="Siti Aminah", email=email, password="kopi-tubruk-2020")
    user.email_confirmed_at = timezone.now()
    user.role = role
    user.save()
    return user


@pytest.fixture
def signed_in(client):
    client.force_login(participant())
    return client


def latest_code():
    sms = OutboxMessage.objects.filter(channel=OutboxMessage.Channel.SMS).latest("id")
    return re.search(r"\b([0-9]{6})\b", sms.body).group(1)


def text(response):
    return response.content.decode()


def test_a_visitor_is_sent_to_the_login_page(client):
    response = client.get(NUMBER_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def test_an_officer_cannot_use_the_participants_phone_step(client):
    client.force_login(participant(role=User.Role.REGIONAL_OFFICER))

    assert client.get(NUMBER_URL).status_code == 403


def test_a_participant_verifies_a_number_from_start_to_finish(signed_in):
    number_page = signed_in.get(NUMBER_URL)
    assert 'type="tel"' in text(number_page)
    assert "Langkah 1 dari 3" in text(number_page)

    sent = signed_in.post(NUMBER_URL, {"phone": "0812 3456 7890"})
    assert sent.status_code == 302
    assert sent["Location"] == CODE_URL

    code_page = signed_in.get(CODE_URL)
    assert code_page.status_code == 200
    assert "0812****7890" in text(code_page)
    assert "81234567890" not in text(code_page)
    assert 'inputmode="numeric"' in text(code_page)
    assert 'autocomplete="one-time-code"' in text(code_page)
    assert "Langkah 2 dari 3" in text(code_page)

    verified = signed_in.post(CODE_URL, {"code": latest_code()})
    assert verified.status_code == 302
    assert verified["Location"] == DONE_URL

    done = signed_in.get(DONE_URL)
    assert "Nomor HP terverifikasi" in text(done)
    assert "0812****7890" in text(done)
    assert "81234567890" not in text(done)
    assert "Langkah 3 dari 3" in text(done)


def test_a_wrong_code_says_how_many_tries_are_left(signed_in):
    signed_in.post(NUMBER_URL, {"phone": "0812 3456 7890"})
    wrong = "000000" if latest_code() != "000000" else "111111"

    response = signed_in.post(CODE_URL, {"code": wrong})

    assert response.status_code == 400
    assert "Kode salah. Sisa percobaan untuk kode ini: 4." in text(response)


def test_a_bad_number_is_explained_and_kept_in_the_field_for_correction(signed_in):
    response = signed_in.post(NUMBER_URL, {"phone": "(021) 555-1234"})

    assert response.status_code == 400
    assert "Ini nomor telepon rumah atau kantor." in text(response)
    assert 'value="(021) 555-1234"' in text(response)
    assert not PhoneChallenge.objects.exists()


def test_asking_again_too_soon_gets_429_with_retry_after(signed_in):
    signed_in.post(NUMBER_URL, {"phone": "0812 3456 7890"})

    code_page = signed_in.get(CODE_URL)
    response = signed_in.post(RESEND_URL)

    assert "disabled" in text(code_page)
    assert "Anda bisa meminta kode baru dalam" in text(code_page)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "Kode baru saja dikirim." in text(response)
    assert OutboxMessage.objects.filter(channel=OutboxMessage.Channel.SMS).count() == 1


def test_entering_another_number_too_soon_gets_429_with_retry_after(signed_in):
    signed_in.post(NUMBER_URL, {"phone": "0812 3456 7890"})

    response = signed_in.post(NUMBER_URL, {"phone": "0857 1111 2222"})

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_a_new_code_can_be_asked_for_once_the_interval_has_passed(signed_in, settings):
    settings.BEKAL_OTP_RESEND_INTERVAL = 0
    signed_in.post(NUMBER_URL, {"phone": "0812 3456 7890"})

    response = signed_in.post(RESEND_URL, follow=True)

    assert "Kode baru sudah dikirim ke 0812****7890." in text(response)
    assert OutboxMessage.objects.filter(channel=OutboxMessage.Channel.SMS).count() == 2
    signed_in.post(CODE_URL, {"code": latest_code()})
    assert signed_in.get(DONE_URL).status_code == 200


def test_the_code_page_without_a_code_sends_the_participant_to_the_number_form(signed_in):
    response = signed_in.get(CODE_URL)

    assert response.status_code == 302
    assert response["Location"] == NUMBER_URL


def test_an_expired_code_asks_for_a_new_one(signed_in):
    signed_in.post(NUMBER_URL, {"phone": "0812 3456 7890"})
    PhoneChallenge.objects.update(expires_at=timezone.now())

    page = signed_in.get(CODE_URL)
    response = signed_in.post(CODE_URL, {"code": latest_code()})

    assert "Kode ini sudah kedaluwarsa. Minta kode baru." in text(page)
    assert response.status_code == 400
    assert "Kode ini sudah kedaluwarsa." in text(response)
