"""The Indonesian name normaliser and the token-by-token comparison of holder names."""

from __future__ import annotations

import pytest

from bekal.disbursements.names import NameMatch, compare_names, normalise_name


def test_titles_and_degrees_are_dropped() -> None:
    assert normalise_name("Hj. Siti Aminah, S.Pd.") == ("SITI", "AMINAH")
    assert normalise_name("DR. IR. BUDI SANTOSO, M.M.") == ("BUDI", "SANTOSO")
    assert normalise_name("H. AHMAD FAUZI SPD") == ("AHMAD", "FAUZI")


def test_muhammad_abbreviations_are_read_in_full() -> None:
    for written in ("M RIZKI", "M. RIZKI", "MOH RIZKI", "MUH. RIZKI", "MOCH RIZKI"):
        assert normalise_name(written) == ("MUHAMMAD", "RIZKI"), written


def test_old_spellings_are_modernised() -> None:
    assert normalise_name("SOEDJONO TJAHJADI") == ("SUJONO", "CAHJADI")
    assert normalise_name("Djoko Soesilo") == ("JOKO", "SUSILO")


def test_two_people_sharing_a_first_name_do_not_match() -> None:
    comparison = compare_names(registered="BUDI SANTOSO", holder="BUDI HARTONO")

    assert comparison.result == NameMatch.NO_MATCH


def test_abbreviated_muhammad_matches() -> None:
    comparison = compare_names(registered="MUHAMMAD RIZKI PRATAMA", holder="M RIZKI PRATAMA")

    assert comparison.result == NameMatch.MATCH


def test_titles_and_old_spelling_on_the_bank_side_still_match() -> None:
    assert (
        compare_names(registered="Sukarno Wijaya", holder="H. SOEKARNO WIDJAJA, S.E.").result
        == NameMatch.CLOSE_MATCH  # WIDJAJA -> WIJAJA, one letter from WIJAYA
    )
    assert (
        compare_names(registered="Siti Aminah", holder="HJ. SITI AMINAH, S.PD.").result
        == NameMatch.MATCH
    )


@pytest.mark.parametrize(
    ("registered", "holder"),
    [
        ("BUDI SANTOSO", "BUDI S"),  # an e-wallet keeps an initial
        ("DEWI LESTARI PUSPITASARI", "DEWI LESTARI PUSPITA"),  # cut by the bank's field
        ("RIZKY PRATAMA", "RIZKI PRATAMA"),  # one letter apart
        ("AGUS SETIAWAN HIDAYAT", "AGUS SETIAWAN"),  # a last name left out
    ],
)
def test_initials_cuts_typos_and_a_missing_name_are_close(registered: str, holder: str) -> None:
    assert compare_names(registered=registered, holder=holder).result == NameMatch.CLOSE_MATCH


@pytest.mark.parametrize(
    ("registered", "holder"),
    [
        ("SITI AMINAH", "RINA MARLINA"),
        ("AGUS SETIAWAN", "AGUS"),  # a single name against two: too little in common
        ("BUDI SANTOSO", "BUDI"),
        ("ANDI WIJAYA KUSUMA", "ANDI"),
        ("RIZKI PRATAMA", "RINA PRATAMA"),
    ],
)
def test_different_people_do_not_match(registered: str, holder: str) -> None:
    assert compare_names(registered=registered, holder=holder).result == NameMatch.NO_MATCH


def test_no_holder_name_cannot_be_compared() -> None:
    assert compare_names(registered="SITI AMINAH", holder="").result == NameMatch.NOT_POSSIBLE
    assert compare_names(registered="SITI AMINAH", holder=None).result == NameMatch.NOT_POSSIBLE
    assert compare_names(registered="SITI AMINAH", holder="H., S.PD.").result == (
        NameMatch.NOT_POSSIBLE
    )
