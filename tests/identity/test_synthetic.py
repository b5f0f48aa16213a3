"""The synthetic identity provider makes numbers that Bekal accepts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from faker import Faker
from hypothesis import given
from hypothesis import strategies as st
from lokal import parse_phone

from bekal.identity.nik import parse_kk, parse_nik
from bekal.identity.synthetic import MOBILE_PREFIXES, IndonesianIdentityProvider

OPERATOR_PREFIXES = {
    "Telkomsel": "0811 0812 0813 0821 0822 0823 0851 0852 0853",
    "Indosat": "0814 0815 0816 0855 0856 0857 0858",
    "XL": "0817 0818 0819 0859 0877 0878",
    "Tri": "0895 0896 0897 0898 0899",
    "Smartfren": "0881 0882 0883 0884 0885 0886 0887 0888 0889",
}


def _fake(seed: int, **provider_options: object) -> Faker:
    fake = Faker("id_ID")
    fake.add_provider(IndonesianIdentityProvider(fake, **provider_options))
    fake.seed_instance(seed)
    return fake


@pytest.mark.django_db
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_its_niks_always_pass_the_parser_and_belong_to_adults_of_working_age(seed):
    fake = _fake(seed)

    parsed = parse_nik(fake.nik())

    today, born = dt.date.today(), parsed.birth_date
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    assert 18 <= age <= 64


@pytest.mark.django_db
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    birth=st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2020, 12, 31)),
    sex=st.sampled_from(["M", "F"]),
)
def test_a_nik_asked_for_carries_the_region_birth_date_and_sex_asked_for(seed, birth, sex):
    fake = _fake(seed)

    parsed = parse_nik(fake.nik(district_code="17.71.01", birth_date=birth, sex=sex))

    assert (parsed.district_code, parsed.birth_date, parsed.sex) == ("17.71.01", birth, sex)


@pytest.mark.django_db
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_its_kk_numbers_always_pass_the_parser(seed):
    fake = _fake(seed)

    assert parse_kk(fake.kk()).kk


@pytest.mark.django_db
def test_district_codes_given_to_the_provider_are_the_ones_used():
    fake = _fake(7, district_codes=["32.16.01", "177101"])

    districts = {parse_nik(fake.nik()).district_code for _ in range(50)}
    districts |= {parse_kk(fake.kk()).district_code for _ in range(50)}

    assert districts == {"32.16.01", "17.71.01"}


def test_a_birth_date_a_nik_cannot_carry_is_refused():
    fake = _fake(1)

    with pytest.raises(ValueError, match="cannot carry"):
        fake.nik(birth_date=dt.date(1920, 1, 1))


def test_the_prefixes_are_the_operators_own():
    assert {op: " ".join(prefixes) for op, prefixes in MOBILE_PREFIXES.items()} == (
        OPERATOR_PREFIXES
    )


@given(seed=st.integers(min_value=0, max_value=2**32))
def test_its_phone_numbers_are_indonesian_mobile_numbers(seed):
    fake = _fake(seed)

    number = fake.mobile_number()

    assert re.fullmatch(r"08[0-9]{8,11}", number)
    assert number[:4] in " ".join(OPERATOR_PREFIXES.values()).split()
    assert parse_phone(number).valid


@given(
    seed=st.integers(min_value=0, max_value=2**32),
    operator=st.sampled_from(sorted(OPERATOR_PREFIXES)),
)
def test_a_phone_number_asked_for_an_operator_has_its_prefix(seed, operator):
    fake = _fake(seed)

    number = fake.mobile_number(operator=operator)

    assert number[:4] in OPERATOR_PREFIXES[operator].split()
    assert parse_phone(number).operator == operator


def test_the_same_seed_makes_the_same_people():
    first, second = _fake(42), _fake(42)

    assert [first.nik() for _ in range(5)] == [second.nik() for _ in range(5)]
    assert [first.mobile_number() for _ in range(5)] == [second.mobile_number() for _ in range(5)]
