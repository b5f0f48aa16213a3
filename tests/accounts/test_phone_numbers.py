import pytest
from faker import Faker

from bekal.accounts.errors import (
    PhoneInvalidError,
    PhoneNotMobileError,
    PhoneUnknownOperatorError,
)
from bekal.accounts.phone_numbers import mask_phone_number, parse_mobile_number
from bekal.identity.synthetic import IndonesianIdentityProvider


@pytest.mark.parametrize(
    "written",
    ["0812-3456-7890", "0812 3456 7890", "+62 812 3456 7890", "6281234567890", "81234567890"],
)
def test_a_mobile_number_written_any_common_way_is_stored_in_e164(written):
    assert parse_mobile_number(written) == "+6281234567890"


def test_every_synthetic_mobile_number_is_accepted():
    fake = Faker("id_ID")
    fake.add_provider(IndonesianIdentityProvider)
    fake.seed_instance(3)

    for _ in range(50):
        assert parse_mobile_number(fake.mobile_number()).startswith("+628")


@pytest.mark.parametrize(
    ("written", "error", "code"),
    [
        ("12345", PhoneInvalidError, "phone_invalid"),
        ("0812 345", PhoneInvalidError, "phone_invalid"),
        ("", PhoneInvalidError, "phone_invalid"),
        ("+1 202 555 0100", PhoneInvalidError, "phone_invalid"),
        ("(021) 555-1234", PhoneNotMobileError, "phone_not_mobile"),
        ("0800 1234 567", PhoneUnknownOperatorError, "phone_unknown_operator"),
    ],
)
def test_a_number_that_cannot_take_an_sms_code_is_refused_with_its_reason(written, error, code):
    with pytest.raises(error) as refused:
        parse_mobile_number(written)

    assert refused.value.code == code
    assert refused.value.field == "phone"


def test_the_unknown_prefix_is_named_in_the_refusal():
    with pytest.raises(PhoneUnknownOperatorError) as refused:
        parse_mobile_number("0800 1234 567")

    assert "0800" in str(refused.value)


@pytest.mark.parametrize(
    ("e164", "masked"),
    [
        ("+6281234567890", "0812****7890"),
        ("+62881234567", "0881**4567"),
        ("+62812345678901", "0812*****8901"),
    ],
)
def test_a_number_is_shown_with_only_its_first_and_last_four_digits(e164, masked):
    assert mask_phone_number(e164) == masked
