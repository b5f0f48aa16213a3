"""Reads of the programmes app: schemes, waves, exclusion lists and matches."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bekal.accounts.models import User
from bekal.core.errors import NotFoundError
from bekal.programmes.models import (
    ExclusionEntry,
    ExclusionList,
    ExclusionRefusal,
    Scheme,
    Wave,
    WaveApplication,
    WaveQuota,
)


class SchemeNotFoundError(NotFoundError):
    code = "scheme_not_found"
    message = _("There is no scheme %(code)s.")


class WaveNotFoundError(NotFoundError):
    code = "wave_not_found"
    message = _("There is no wave %(number)s.")


def get_current_scheme(*, code: str) -> Scheme:
    """The latest version of a scheme."""
    scheme = Scheme.objects.filter(code=code).order_by("-version").first()
    if scheme is None:
        raise SchemeNotFoundError(code=code)
    return scheme


def get_scheme_in_force(*, on: dt.date | None = None) -> Scheme:
    """The scheme that applies on a day (Asia/Jakarta): the latest version of the scheme
    with the latest `valid_from` on or before that day."""
    day = on or timezone.localdate()
    scheme = Scheme.objects.filter(valid_from__lte=day).order_by("-valid_from", "-version").first()
    if scheme is None:
        raise SchemeNotFoundError(code=str(day))
    return scheme


def list_scheme_versions(*, code: str) -> QuerySet[Scheme]:
    """Every version of a scheme, newest first."""
    return Scheme.objects.filter(code=code).order_by("-version")


def get_open_waves(*, regency_code: str | None = None) -> QuerySet[Wave]:
    """Waves open for joining now, the soonest to close first.

    With `regency_code` (a domicile, "32.16"), without the waves that give that regency
    or its province no place (a regional quota of 0). Regional quotas cap a region's
    places; a region with no quota of its own shares the national quota.
    """
    now = timezone.now()
    waves = Wave.objects.filter(
        status=Wave.Status.OPEN, opens_at__lte=now, closes_at__gt=now
    ).select_related("scheme")
    if regency_code:
        closed_to_region = WaveQuota.objects.filter(quota=0).filter(
            Q(regency_id=regency_code) | Q(province_id=regency_code[:2])
        )
        waves = waves.exclude(pk__in=closed_to_region.values("wave_id"))
    return waves.order_by("closes_at", "number")


def get_wave(*, number: int) -> Wave:
    try:
        return Wave.objects.select_related("scheme").get(number=number)
    except Wave.DoesNotExist:
        raise WaveNotFoundError(number=number) from None


def get_application(*, user: User, wave: Wave) -> WaveApplication | None:
    return WaveApplication.objects.filter(user=user, wave=wave).first()


def list_applications(*, user: User) -> QuerySet[WaveApplication]:
    """A registrant's waves, the latest first."""
    return WaveApplication.objects.filter(user=user).select_related("wave").order_by("-joined_at")


def list_exclusion_lists() -> QuerySet[ExclusionList]:
    return ExclusionList.objects.select_related("uploaded_by").order_by("-uploaded_at", "-pk")


def list_refusals(*, exclusion_list: ExclusionList) -> QuerySet[ExclusionRefusal]:
    """The rows of the last import that were refused, by line (NIKs masked)."""
    return ExclusionRefusal.objects.filter(exclusion_list=exclusion_list).order_by("line_number")


def exclusion_matches(*, nik_index: str, on: dt.date | None = None) -> list[str]:
    """The kinds of the exclusion lists holding this NIK's blind index on `on` (today).

    An entry with no validity dates always counts; a list being re-imported answers
    from its previous import until the new one is complete.
    """
    on = on or timezone.localdate()
    entries = ExclusionEntry.objects.filter(nik_index=nik_index).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=on),
        Q(valid_to__isnull=True) | Q(valid_to__gte=on),
    )
    kinds = ExclusionList.objects.filter(pk__in=entries.values("exclusion_list_id"))
    return sorted(set(kinds.values_list("kind", flat=True)))
