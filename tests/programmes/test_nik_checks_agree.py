"""The import checks NIKs without a query a row; it must refuse exactly what parse_nik does."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bekal.identity.nik import NikError, parse_nik
from bekal.programmes.exclusion_import import known_districts, nik_refusal
from tests.programmes.factories import fake

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 1)


def parse_nik_code(value: str) -> str | None:
    try:
        parse_nik(value, today=TODAY)
    except NikError as exc:
        return exc.code
    return None


def digits(n: int):
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


#: Real districts, a few unknown ones; any day 00-99 and month 00-19; serials with 0000.
nik_like = st.builds(
    lambda district, day, month, yy, serial: f"{district}{day}{month}{yy}{serial}",
    st.sampled_from(["177101", "321601", "920101", "999901", "320000", "110101"]),
    digits(2),
    st.sampled_from([f"{m:02d}" for m in range(20)]),
    digits(2),
    st.sampled_from(["0000", "0001", "9999"]),
)
typed = st.one_of(
    nik_like,
    nik_like.map(lambda n: f"{n[:4]} {n[4:8]}.{n[8:12]}-{n[12:]}"),
    st.text(alphabet="0123456789 .-aO", max_size=20),
)


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=typed)
def test_the_import_refuses_a_nik_with_the_code_parse_nik_gives(value):
    assert nik_refusal(value, districts=known_districts(), today=TODAY) == parse_nik_code(value)


def test_synthetic_niks_are_accepted_by_both():
    for _ in range(200):
        nik = fake.nik()
        assert nik_refusal(nik, districts=known_districts(), today=TODAY) is None
        assert parse_nik_code(nik) is None
