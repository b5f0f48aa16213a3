"""Reading the official regions: the lookups address forms and statistics use.

Codes may be given dotted ("17.71.01") or as the digits a NIK carries ("177101").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bekal.core.errors import NotFoundError
from bekal.regions.models import District, Province, Regency, Village

# Digits per level: province 2, regency 2, district 2, village 4.
_SEGMENTS = (2, 2, 2, 4)
_DOTTED = re.compile(r"[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?")
_DIGITS = re.compile(r"[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{10}")


class DistrictNotFoundError(NotFoundError):
    code = "district_not_found"
    message = _("There is no district (kecamatan) with code %(district_code)s.")


def dotted_code(digits: str) -> str:
    """ "177101" -> "17.71.01"; a code already dotted is returned as it is.

    Accepts the digits of a province (2), regency (4), district (6) or village (10); raises
    ValueError for anything else, since such a string cannot name a region.
    """
    if _DOTTED.fullmatch(digits):
        return digits
    if not _DIGITS.fullmatch(digits):
        raise ValueError(f"not a region code: {digits!r}")
    parts, start = [], 0
    for width in _SEGMENTS:
        if start == len(digits):
            break
        parts.append(digits[start : start + width])
        start += width
    return ".".join(parts)


def _dotted_or_none(code: str) -> str | None:
    try:
        return dotted_code(code)
    except ValueError:
        return None


def list_provinces() -> QuerySet[Province]:
    return Province.objects.order_by("code")


def list_regencies(*, province_code: str) -> QuerySet[Regency]:
    """Regencies and cities of a province; none for a string that is not a region code."""
    code = _dotted_or_none(province_code)
    regencies = Regency.objects.order_by("code")
    return regencies.filter(province_id=code) if code else regencies.none()


def list_districts(*, regency_code: str) -> QuerySet[District]:
    code = _dotted_or_none(regency_code)
    districts = District.objects.order_by("code")
    return districts.filter(regency_id=code) if code else districts.none()


def list_villages(*, district_code: str) -> QuerySet[Village]:
    code = _dotted_or_none(district_code)
    villages = Village.objects.order_by("code")
    return villages.filter(district_id=code) if code else villages.none()


def get_district(*, code: str) -> District:
    """The district with its regency and province; DistrictNotFoundError if there is none."""
    try:
        return District.objects.select_related("regency__province").get(code=dotted_code(code))
    except (ValueError, District.DoesNotExist):
        raise DistrictNotFoundError(district_code=code) from None


def district_exists(*, code: str) -> bool:
    """Whether a district code is in the loaded edition; "17.71.01" and "177101" both work."""
    dotted = _dotted_or_none(code)
    return dotted is not None and len(dotted) == 8 and District.objects.filter(code=dotted).exists()


def get_regency_names(*, codes: Iterable[str]) -> dict[str, str]:
    """The names of these regencies/cities by code, in one query ("17.71" -> "Kota
    Bengkulu"); unknown codes are left out."""
    return dict(Regency.objects.filter(code__in=list(codes)).values_list("code", "name"))
