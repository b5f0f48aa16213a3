"""Whose figures a staff member may see: the one place that decides (default deny).

Every dashboard page, chart and export asks `get_area` for the area it shows; the
programme office sees the nation, a province officer their province's regencies/cities,
a regional officer their own regency/city, anyone else nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from bekal.accounts.models import User
from bekal.regions.models import Province, Regency
from bekal.reporting.errors import NoFiguresAccessError, OutsideScopeError


class Level(StrEnum):
    NATIONAL = "national"
    PROVINCE = "province"
    REGENCY = "regency"


@dataclass(frozen=True)
class Scope:
    """What a viewer may see at most."""

    level: Level
    province_code: str = ""
    regency_code: str = ""

    def covers(self, *, province_code: str = "", regency_code: str = "") -> bool:
        if self.level == Level.NATIONAL:
            return True
        if self.level == Level.PROVINCE:
            if regency_code:
                return regency_code.split(".")[0] == self.province_code
            return province_code == self.province_code
        return bool(regency_code) and regency_code == self.regency_code


@dataclass(frozen=True)
class Area:
    """The area a page shows, inside the viewer's scope."""

    scope: Scope
    level: Level
    name: str
    province_code: str = ""
    regency_code: str = ""

    def regency_filter(self) -> tuple[str, list[str]]:
        """(SQL condition on a `regency_code` column, its parameters)."""
        if self.level == Level.REGENCY:
            return "regency_code = %s", [self.regency_code]
        if self.level == Level.PROVINCE:
            return "regency_code LIKE %s", [f"{self.province_code}.%"]
        return "TRUE", []  # every regency, and those without one yet

    def covers_regency(self, regency_code: str) -> bool:
        if self.level == Level.REGENCY:
            return regency_code == self.regency_code
        if self.level == Level.PROVINCE:
            return regency_code.split(".")[0] == self.province_code
        return True


def get_scope(*, viewer: User) -> Scope:
    """The viewer's scope; refused to anyone who is not programme or regional staff."""
    if not viewer.is_authenticated or not viewer.is_active:
        raise NoFiguresAccessError()
    if viewer.is_superuser or viewer.role == User.Role.PROGRAMME_ADMIN:
        return Scope(Level.NATIONAL)
    if viewer.role == User.Role.PROVINCE_OFFICER and viewer.province_id:
        return Scope(Level.PROVINCE, province_code=viewer.province_id)
    if viewer.role == User.Role.REGIONAL_OFFICER and viewer.region_id:
        return Scope(
            Level.REGENCY,
            province_code=viewer.region_id.split(".")[0],
            regency_code=viewer.region_id,
        )
    raise NoFiguresAccessError()


def get_area(*, viewer: User, province_code: str = "", regency_code: str = "") -> Area:
    """The area asked for (by default the viewer's whole scope), if the scope covers it."""
    scope = get_scope(viewer=viewer)
    if not province_code and not regency_code:
        province_code, regency_code = scope.province_code, scope.regency_code
    if regency_code:
        if not scope.covers(regency_code=regency_code):
            raise OutsideScopeError()
        regency = Regency.objects.filter(code=regency_code).first()
        if regency is None:
            raise OutsideScopeError()
        return Area(
            scope, Level.REGENCY, regency.name, regency.province_id, regency_code=regency.code
        )
    if province_code:
        if not scope.covers(province_code=province_code):
            raise OutsideScopeError()
        province = Province.objects.filter(code=province_code).first()
        if province is None:
            raise OutsideScopeError()
        return Area(scope, Level.PROVINCE, province.name, province_code=province.code)
    return Area(scope, Level.NATIONAL, _("Indonesia"))
