"""NIK and KK numbers: parsing, validation against the regions, and masking.

A NIK (Nomor Induk Kependudukan) is 16 digits, PP RR DD DDMMYY SSSS:
- PP RR DD: the district (kecamatan) where it was issued, "177101" = 17.71.01;
- DDMMYY: the date of birth, with 40 added to the day for women (55 = the 15th);
- SSSS: a serial number, never 0000.
A KK (Kartu Keluarga, family card) number has the same shape, with the card's issue
date (no +40) in place of the date of birth.

The year has two digits. Its century is chosen so that the date is not in the future
as far as the year can tell: YY up to this year's two digits is 20YY, above it is 19YY
(in 2026, "26" is 2026 and "27" is 1927). A date later this year is then refused as a
future date, and a person aged 100 or more cannot be told apart from a baby: neither
matters to a programme for working-age citizens.

Checking the structure cannot prove that Dukcapil issued a number; it refuses numbers
that cannot be one. Checks run from the cheapest to the one that reads the database
(whether the district exists), and the first refusal is raised.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bekal.core.errors import DomainError
from bekal.regions.selectors import district_exists, dotted_code

Sex = Literal["M", "F"]

#: Spaces, dots and dashes are how people group the digits; they are ignored.
_SEPARATORS = re.compile(r"[\s.\-]")
_NOT_DIGIT = re.compile(r"[^0-9]")
_FEMALE_DAY_OFFSET = 40


# --- refusals --------------------------------------------------------------------------


class NikError(DomainError):
    """Any refusal of a NIK; the subclasses say which."""

    code = "nik_invalid"


class NikCharactersError(NikError):
    code = "nik_characters"
    message = _("The NIK may contain only digits; remove %(characters)s.")


class NikFormatError(NikError):
    code = "nik_format"
    message = _("The NIK must be exactly 16 digits; you typed %(count)s.")


class NikBirthDateInvalidError(NikError):
    code = "nik_birth_date_invalid"
    message = _(
        "Digits 7 to 12 of the NIK (%(digits)s) are not a real date of birth: they must be "
        "the day, month and year of birth, two digits each, with 40 added to the day for women."
    )


class NikBirthDateFutureError(NikError):
    code = "nik_birth_date_future"
    message = _("The date of birth in the NIK (%(date)s) is after today.")


class NikSerialZeroError(NikError):
    code = "nik_serial_zero"
    message = _("The last four digits of the NIK cannot be 0000.")


class NikRegionUnknownError(NikError):
    code = "nik_region_unknown"
    message = _(
        "The first six digits of the NIK (%(digits)s) are not the code of a district "
        "(kecamatan) in the official list of regions."
    )


class NikBirthDateMismatchError(NikError):
    code = "nik_birth_date_mismatch"
    message = _(
        "The date of birth you entered (%(entered)s) is not the one in the NIK (%(in_nik)s)."
    )


class NikSexMismatchError(NikError):
    code = "nik_sex_mismatch"
    message = _("The NIK is a woman's (40 is added to her day of birth), but you chose male.")
    message_male = _(
        "The NIK is a man's (no 40 is added to his day of birth), but you chose female."
    )

    def __init__(self, *, in_nik: Sex, **kwargs: Any) -> None:
        super().__init__(self.message if in_nik == "F" else self.message_male, **kwargs)


class NikRegionMismatchError(NikError):
    code = "nik_region_mismatch"
    message = _(
        "The NIK was issued in another regency/city (code %(in_nik)s), not in the one you "
        "chose (code %(entered)s)."
    )


class KkError(DomainError):
    """Any refusal of a family card (KK) number; the subclasses say which."""

    code = "kk_invalid"


class KkCharactersError(KkError):
    code = "kk_characters"
    message = _("The family card (KK) number may contain only digits; remove %(characters)s.")


class KkFormatError(KkError):
    code = "kk_format"
    message = _("The family card (KK) number must be exactly 16 digits; you typed %(count)s.")


class KkDateInvalidError(KkError):
    code = "kk_date_invalid"
    message = _(
        "Digits 7 to 12 of the family card (KK) number (%(digits)s) are not a real issue "
        "date: they must be the day, month and year it was issued, two digits each."
    )


class KkDateFutureError(KkError):
    code = "kk_date_future"
    message = _("The issue date in the family card (KK) number (%(date)s) is after today.")


class KkSerialZeroError(KkError):
    code = "kk_serial_zero"
    message = _("The last four digits of the family card (KK) number cannot be 0000.")


class KkRegionUnknownError(KkError):
    code = "kk_region_unknown"
    message = _(
        "The first six digits of the family card (KK) number (%(digits)s) are not the code "
        "of a district (kecamatan) in the official list of regions."
    )


# --- parsed numbers ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, repr=False)
class ParsedNik:
    nik: str
    #: Dotted Kemendagri codes: "17.71.01", "17.71", "17".
    district_code: str
    regency_code: str
    province_code: str
    birth_date: dt.date
    sex: Sex
    serial: str

    def __repr__(self) -> str:  # a NIK is personal data: never whole in a log
        return f"ParsedNik({mask_nik(self.nik)})"


@dataclass(frozen=True, slots=True, repr=False)
class ParsedKk:
    kk: str
    district_code: str
    regency_code: str
    province_code: str
    issue_date: dt.date
    serial: str

    def __repr__(self) -> str:
        return f"ParsedKk({mask_nik(self.kk)})"


# --- parsing -------------------------------------------------------------------------------


def _digits(
    value: str, *, field: str, characters: type[DomainError], length: type[DomainError]
) -> str:
    """The 16 digits of a typed number, or the refusal that says what is wrong with it."""
    compact = _SEPARATORS.sub("", value)
    others = _NOT_DIGIT.findall(compact)
    if others:
        shown = ", ".join(f"“{character}”" for character in dict.fromkeys(others))
        raise characters(field=field, characters=shown)
    if len(compact) != 16:
        raise length(field=field, count=len(compact))
    return compact


def _two_digit_year(yy: int, today: dt.date) -> int:
    century = today.year - today.year % 100
    return century + yy if yy <= today.year % 100 else century - 100 + yy


def _date(ddmmyy: str, *, day_offset: int, today: dt.date) -> dt.date | None:
    day = int(ddmmyy[0:2]) - day_offset
    month = int(ddmmyy[2:4])
    year = _two_digit_year(int(ddmmyy[4:6]), today)
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _shown(date: dt.date) -> str:
    """Dates in messages as the KTP prints them: 15-08-1995."""
    return date.strftime("%d-%m-%Y")


def parse_nik(value: str, *, today: dt.date | None = None) -> ParsedNik:
    """Parse and check a NIK as typed; raise the NikError that says what is wrong.

    `today` defaults to today's date in Asia/Jakarta.
    """
    today = today or timezone.localdate()
    nik = _digits(value, field="nik", characters=NikCharactersError, length=NikFormatError)
    day = int(nik[6:8])
    sex: Sex = "F" if day > _FEMALE_DAY_OFFSET else "M"
    offset = _FEMALE_DAY_OFFSET if sex == "F" else 0
    birth_date = _date(nik[6:12], day_offset=offset, today=today)
    if birth_date is None:
        raise NikBirthDateInvalidError(field="nik", digits=nik[6:12])
    if birth_date > today:
        raise NikBirthDateFutureError(field="nik", date=_shown(birth_date))
    if nik[12:] == "0000":
        raise NikSerialZeroError(field="nik")
    if not district_exists(code=nik[:6]):
        raise NikRegionUnknownError(field="nik", digits=nik[:6])
    district = dotted_code(nik[:6])
    return ParsedNik(
        nik=nik,
        district_code=district,
        regency_code=district[:5],
        province_code=district[:2],
        birth_date=birth_date,
        sex=sex,
        serial=nik[12:],
    )


def check_nik_agrees(
    parsed: ParsedNik,
    *,
    birth_date: dt.date,
    sex: Sex,
    regency_code: str | None = None,
) -> None:
    """Refuse a NIK whose date of birth, sex or regency differs from what was entered.

    `regency_code` ("17.71" or "1771") is the regency/city where the NIK was issued, as
    printed on the KTP; not the place of residence, since people move and keep their NIK.
    """
    if parsed.birth_date != birth_date:
        raise NikBirthDateMismatchError(
            field="birth_date", entered=_shown(birth_date), in_nik=_shown(parsed.birth_date)
        )
    if parsed.sex != sex:
        raise NikSexMismatchError(field="sex", in_nik=parsed.sex)
    if regency_code is not None:
        try:
            entered = dotted_code(regency_code)
        except ValueError:
            entered = regency_code
        if entered != parsed.regency_code:
            raise NikRegionMismatchError(
                field="regency", entered=entered, in_nik=parsed.regency_code
            )


def parse_kk(value: str, *, today: dt.date | None = None) -> ParsedKk:
    """Parse and check a family card (KK) number; raise the KkError that says what is wrong."""
    today = today or timezone.localdate()
    kk = _digits(value, field="kk", characters=KkCharactersError, length=KkFormatError)
    issue_date = _date(kk[6:12], day_offset=0, today=today)
    if issue_date is None:
        raise KkDateInvalidError(field="kk", digits=kk[6:12])
    if issue_date > today:
        raise KkDateFutureError(field="kk", date=_shown(issue_date))
    if kk[12:] == "0000":
        raise KkSerialZeroError(field="kk")
    if not district_exists(code=kk[:6]):
        raise KkRegionUnknownError(field="kk", digits=kk[:6])
    district = dotted_code(kk[:6])
    return ParsedKk(
        kk=kk,
        district_code=district,
        regency_code=district[:5],
        province_code=district[:2],
        issue_date=issue_date,
        serial=kk[12:],
    )


def mask_nik(nik: str) -> str:
    """ "3201********0001": the first four and last four digits of a NIK (or KK number).

    Anything that is not 16 digits once separators are removed is masked entirely.
    """
    digits = _SEPARATORS.sub("", nik)
    if len(digits) != 16:
        return "*" * len(digits)
    return f"{digits[:4]}{'*' * 8}{digits[12:]}"
