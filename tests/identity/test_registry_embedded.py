"""The embedded registry of synthetic citizens: its answers, its file, its generator."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from bekal.identity.nik import parse_nik
from bekal.identity.registry import Citizenship, EmbeddedRegistry, Outcome, get_registry
from bekal.identity.registry.embedded import (
    Citizen,
    add_citizens,
    generate_citizens,
    read_citizens,
)
from bekal.identity.synthetic import official_district_codes

SITI = Citizen(
    nik="1771015508950001", full_name="SITI AMINAH", birth_date=dt.date(1995, 8, 15), sex="F"
)
BUDI = Citizen(
    nik="1771011203900002", full_name="BUDI SANTOSO", birth_date=dt.date(1990, 3, 12), sex="M"
)
#: A foreign permanent resident: the registry issued her a NIK too.
MEI = Citizen(
    nik="1771016003880003",
    full_name="MEI LING TAN",
    birth_date=dt.date(1988, 3, 20),
    sex="F",
    citizenship=Citizenship.FOREIGN_RESIDENT,
)


@pytest.fixture
def registry(tmp_path):
    path = tmp_path / "citizens.csv.gz"
    add_citizens([SITI, BUDI, MEI], path=path)
    return EmbeddedRegistry(path=path)


def test_a_citizen_typed_as_registered_matches(registry):
    answer = registry.verify(nik=SITI.nik, full_name="SITI AMINAH", birth_date=SITI.birth_date)

    assert answer.outcome is Outcome.MATCH
    assert answer.citizenship is Citizenship.WNI


def test_a_foreign_resident_matches_and_the_answer_says_so(registry):
    answer = registry.verify(nik=MEI.nik, full_name="Mei Ling Tan", birth_date=MEI.birth_date)

    assert answer.outcome is Outcome.MATCH
    assert answer.citizenship is Citizenship.FOREIGN_RESIDENT


def test_a_file_without_the_citizenship_column_is_read_as_citizens(tmp_path):
    import gzip

    path = tmp_path / "old.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as old:
        old.write("nik,full_name,birth_date,sex\n1771015508950001,SITI AMINAH,1995-08-15,F\n")

    assert read_citizens(path)[SITI.nik].citizenship == Citizenship.WNI


def test_the_generator_makes_a_few_foreign_residents():
    citizens = generate_citizens(count=2_000, seed=3, district_codes=["17.71.01", "32.16.01"])

    foreign = [c for c in citizens if c.citizenship == Citizenship.FOREIGN_RESIDENT]
    assert 0 < len(foreign) < 40


@pytest.mark.parametrize("typed", ["Siti Aminah", "  siti   AMINAH ", "SITI\tAMINAH"])
def test_names_are_compared_without_regard_to_case_and_spacing(registry, typed):
    answer = registry.verify(nik=SITI.nik, full_name=typed, birth_date=SITI.birth_date)

    assert answer.outcome is Outcome.MATCH


@pytest.mark.parametrize("typed", ["Siti Aminah S.Pd", "Siti Amina", "Sitti Aminah"])
def test_another_name_is_a_mismatch_of_the_name(registry, typed):
    answer = registry.verify(nik=SITI.nik, full_name=typed, birth_date=SITI.birth_date)

    assert answer.outcome is Outcome.MISMATCH
    assert answer.mismatched_fields == ("full_name",)


def test_another_birth_date_is_a_mismatch_of_the_birth_date(registry):
    answer = registry.verify(nik=SITI.nik, full_name="Siti Aminah", birth_date=dt.date(1995, 8, 16))

    assert answer.outcome is Outcome.MISMATCH
    assert answer.mismatched_fields == ("birth_date",)


def test_both_differing_are_both_reported(registry):
    answer = registry.verify(nik=BUDI.nik, full_name="Budi", birth_date=dt.date(1991, 3, 12))

    assert answer.mismatched_fields == ("full_name", "birth_date")


def test_an_unknown_nik_is_not_found(registry):
    answer = registry.verify(
        nik="1771014101000003", full_name="Ani", birth_date=dt.date(2000, 1, 1)
    )

    assert answer.outcome is Outcome.NOT_FOUND


def test_without_its_file_the_registry_is_unavailable_not_a_refusal(tmp_path):
    registry = EmbeddedRegistry(path=tmp_path / "missing.csv.gz")

    answer = registry.verify(nik=SITI.nik, full_name="Siti Aminah", birth_date=SITI.birth_date)

    assert answer.outcome is Outcome.UNAVAILABLE
    assert "generate_registry" in answer.detail


def test_citizens_added_to_the_file_are_known_at_once_and_a_nik_is_replaced(registry):
    ani = Citizen(nik="1771014101000003", full_name="ANI", birth_date=dt.date(2000, 1, 1), sex="F")
    renamed = Citizen(
        nik=SITI.nik, full_name="SITI AMINAH PUTRI", birth_date=SITI.birth_date, sex="F"
    )

    total = add_citizens([ani, renamed], path=registry.path)

    assert total == 4
    assert registry.verify(nik=ani.nik, full_name="Ani", birth_date=ani.birth_date).outcome is (
        Outcome.MATCH
    )
    answer = registry.verify(
        nik=SITI.nik, full_name="Siti Aminah Putri", birth_date=SITI.birth_date
    )
    assert answer.outcome is Outcome.MATCH


@pytest.mark.django_db
def test_generate_registry_makes_the_same_valid_citizens_for_the_same_seed(tmp_path):
    first, again, other = tmp_path / "a.csv.gz", tmp_path / "b.csv.gz", tmp_path / "c.csv.gz"

    for path, seed in ((first, 7), (again, 7), (other, 8)):
        call_command("generate_registry", count=300, seed=seed, output=path, verbosity=0)

    assert first.read_bytes() == again.read_bytes()
    assert first.read_bytes() != other.read_bytes()
    citizens = read_citizens(first)
    assert len(citizens) == 300
    districts = set(official_district_codes())
    for citizen in citizens.values():
        parsed = parse_nik(citizen.nik)
        assert parsed.birth_date == citizen.birth_date
        assert parsed.sex == citizen.sex
        assert parsed.district_code in districts
    assert len({c.nik[:6] for c in citizens.values()}) > 200  # spread over the country


def test_get_registry_is_the_embedded_registry_without_a_registry_url(settings, tmp_path):
    settings.BEKAL_REGISTRY_URL = ""
    settings.BEKAL_REGISTRY_FILE = tmp_path / "citizens.csv.gz"

    registry = get_registry()

    assert isinstance(registry, EmbeddedRegistry)
    assert registry.path == tmp_path / "citizens.csv.gz"
