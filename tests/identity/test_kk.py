"""Reading a family card (KK) number as typed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from bekal.identity.nik import KkError, parse_kk
from bekal.identity.synthetic import official_district_codes

TODAY = dt.date(2026, 11, 24)
#: A family card issued on 3 February 2015 in Selebar, Kota Bengkulu.
KK_FROM_KOTA_BENGKULU = "1771010302150007"


def _refusal(value: str) -> KkError:
    with pytest.raises(KkError) as refusal:
        parse_kk(value, today=TODAY)
    return refusal.value


@pytest.mark.django_db
def test_a_kk_number_gives_its_region_and_issue_date():
    parsed = parse_kk(KK_FROM_KOTA_BENGKULU, today=TODAY)

    assert parsed.kk == KK_FROM_KOTA_BENGKULU
    assert (parsed.district_code, parsed.regency_code, parsed.province_code) == (
        "17.71.01",
        "17.71",
        "17",
    )
    assert parsed.issue_date == dt.date(2015, 2, 3)
    assert parsed.serial == "0007"
    assert repr(parsed) == "ParsedKk(1771********0007)"


@pytest.mark.django_db
def test_spaces_dots_and_dashes_in_a_kk_number_are_ignored():
    assert parse_kk("1771.0103.0215.0007", today=TODAY).kk == KK_FROM_KOTA_BENGKULU


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("177101030215000", "kk_format"),
        ("17710103021500071", "kk_format"),
        ("17710103O2150007", "kk_characters"),
        ("9999990302150007", "kk_region_unknown"),
        ("1771013202150007", "kk_date_invalid"),
        ("1771014302150007", "kk_date_invalid"),
        ("1771010313150007", "kk_date_invalid"),
        ("1771012902150007", "kk_date_invalid"),
        ("1771010112260007", "kk_date_future"),
        ("1771010302150000", "kk_serial_zero"),
    ],
)
def test_a_wrong_kk_number_is_refused_with_what_is_wrong(typed, code):
    assert _refusal(typed).code == code


@pytest.mark.django_db
def test_a_kk_refusal_reads_in_the_users_language():
    refusal = _refusal("177101030215000")

    assert refusal.field == "kk"
    with translation.override("en"):
        assert str(refusal) == (
            "The family card (KK) number must be exactly 16 digits; you typed 15."
        )
    with translation.override("id"):
        assert str(refusal) == (
            "Nomor Kartu Keluarga (KK) harus terdiri dari 16 angka; Anda mengetik 15 angka."
        )


@pytest.mark.django_db
def test_a_kk_issue_date_after_today_reads_in_the_users_language():
    refusal = _refusal("1771010112260007")

    with translation.override("id"):
        assert str(refusal) == "Tanggal terbit dalam nomor KK (01-12-2026) jatuh setelah hari ini."


@pytest.mark.django_db
@given(
    district=st.sampled_from(official_district_codes()),
    issued=st.dates(min_value=dt.date(1980, 1, 1), max_value=TODAY),
    serial=st.integers(min_value=1, max_value=9999),
)
def test_a_valid_kk_number_always_parses_back_to_its_parts(district, issued, serial):
    typed = f"{district.replace('.', '')}{issued:%d%m%y}{serial:04d}"

    parsed = parse_kk(typed, today=TODAY)

    assert (parsed.district_code, parsed.issue_date, parsed.serial) == (
        district,
        issued,
        f"{serial:04d}",
    )
