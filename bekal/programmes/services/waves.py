"""Waves: creation with quotas and tiers, opening and closing, joining, carry-over."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bekal.accounts.models import User
from bekal.core.audit import record_event
from bekal.programmes.errors import (
    AlreadyInOpenWaveError,
    AlreadyJoinedError,
    AssessmentNotPassedError,
    CarryOverError,
    RegistrationIncompleteError,
    WaveInvalidError,
    WaveNotOpenError,
    WaveQuotaDuplicateError,
    WaveQuotaExceedsNationalError,
    WaveQuotaExceedsProvinceError,
    WaveQuotaRegionError,
    WaveStateError,
    WaveTierInvalidError,
    WaveWindowPassedError,
)
from bekal.programmes.models import (
    ExclusionList,
    Scheme,
    Wave,
    WaveApplication,
    WaveQuota,
    WaveTier,
)
from bekal.programmes.services.wave_notices import start_wave_opening_notices
from bekal.regions.models import District, Province, Regency
from bekal.registration.selectors import get_profile, is_registration_complete


@dataclass(frozen=True, slots=True)
class QuotaInput:
    """A regional quota: `region_code` is a province ("32") or a regency/city ("32.16")."""

    region_code: str
    quota: int


@dataclass(frozen=True, slots=True)
class TierInput:
    rank: int
    kind: str
    name: str
    #: NAMED_DISTRICTS: dotted district codes.
    district_codes: Sequence[str] = field(default_factory=tuple)
    #: REPORTED_LAID_OFF: an exclusion list of that kind.
    exclusion_list: ExclusionList | None = None


def _quota_rows(wave: Wave, quotas: Sequence[QuotaInput]) -> list[WaveQuota]:
    """Check the quotas against each other and the national quota; return unsaved rows."""
    seen: set[str] = set()
    provinces: dict[str, int] = {}
    regencies: dict[str, tuple[str, int]] = {}
    for item in quotas:
        if item.region_code in seen:
            raise WaveQuotaDuplicateError(field="quotas", region=item.region_code)
        seen.add(item.region_code)
        if item.quota < 0:
            raise WaveInvalidError(field="quotas", reason=_("a quota cannot be negative"))
        if Province.objects.filter(code=item.region_code).exists():
            provinces[item.region_code] = item.quota
            continue
        regency = Regency.objects.filter(code=item.region_code).first()
        if regency is None:
            raise WaveQuotaRegionError(field="quotas", region=item.region_code)
        regencies[regency.code] = (regency.province_id, item.quota)
    by_province: dict[str, int] = defaultdict(int)
    uncovered = 0
    for province_code, quota in regencies.values():
        if province_code in provinces:
            by_province[province_code] += quota
        else:
            uncovered += quota
    for province_code, total in by_province.items():
        if total > provinces[province_code]:
            raise WaveQuotaExceedsProvinceError(
                field="quotas",
                province=Province.objects.get(code=province_code).name,
                total=total,
                quota=provinces[province_code],
            )
    total = sum(provinces.values()) + uncovered
    if total > wave.national_quota:
        raise WaveQuotaExceedsNationalError(
            field="quotas", total=total, national=wave.national_quota
        )
    return [WaveQuota(wave=wave, province_id=code, quota=q) for code, q in provinces.items()] + [
        WaveQuota(wave=wave, regency_id=code, quota=q) for code, (_, q) in regencies.items()
    ]


def _tier_rows(wave: Wave, tiers: Sequence[TierInput]) -> list[WaveTier]:
    ranks = [t.rank for t in tiers]
    rows = []
    for tier in tiers:
        if ranks.count(tier.rank) > 1:
            raise WaveTierInvalidError(
                field="tiers", rank=tier.rank, reason=_("its rank is used twice")
            )
        if tier.kind not in WaveTier.Kind.values:
            raise WaveTierInvalidError(
                field="tiers", rank=tier.rank, reason=_("unknown kind %s") % tier.kind
            )
        codes = list(tier.district_codes)
        if tier.kind == WaveTier.Kind.NAMED_DISTRICTS:
            known = set(District.objects.filter(code__in=codes).values_list("code", flat=True))
            if not codes or known != set(codes):
                missing = sorted(set(codes) - known) or ["(none)"]
                raise WaveTierInvalidError(
                    field="tiers",
                    rank=tier.rank,
                    reason=_("unknown districts %s") % ", ".join(missing),
                )
        elif codes:
            raise WaveTierInvalidError(
                field="tiers",
                rank=tier.rank,
                reason=_("only a tier of named districts lists districts"),
            )
        needs_list = tier.kind == WaveTier.Kind.REPORTED_LAID_OFF
        if needs_list and (
            tier.exclusion_list is None
            or tier.exclusion_list.kind != ExclusionList.Kind.REPORTED_LAID_OFF
        ):
            raise WaveTierInvalidError(
                field="tiers",
                rank=tier.rank,
                reason=_("it needs a list of laid-off workers reported by the ministry"),
            )
        rows.append(
            WaveTier(
                wave=wave,
                rank=tier.rank,
                kind=tier.kind,
                name=tier.name,
                district_codes=codes,
                exclusion_list=tier.exclusion_list if needs_list else None,
            )
        )
    return rows


@transaction.atomic
def create_wave(
    *,
    scheme: Scheme,
    number: int,
    name: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    announce_at: dt.datetime,
    national_quota: int,
    quotas: Sequence[QuotaInput] = (),
    tiers: Sequence[TierInput] = (),
    actor: User | None,
) -> Wave:
    """A draft wave under the latest version of `scheme`, with its quotas and tiers."""
    latest = Scheme.objects.filter(code=scheme.code).order_by("-version").first()
    if latest is None or latest.pk != scheme.pk:
        raise WaveInvalidError(field="scheme", reason=_("not the latest version of the scheme"))
    if not opens_at < closes_at <= announce_at:
        raise WaveInvalidError(
            field="closes_at",
            reason=_("it must open before it closes, and announce after it closes"),
        )
    if national_quota <= 0:
        raise WaveInvalidError(
            field="national_quota", reason=_("the national quota must be more than 0")
        )
    if Wave.objects.filter(number=number).exists():
        raise WaveInvalidError(field="number", reason=_("wave %s exists already") % number)
    wave = Wave(
        scheme=scheme,
        number=number,
        name=name.strip(),
        opens_at=opens_at,
        closes_at=closes_at,
        announce_at=announce_at,
        national_quota=national_quota,
    )
    quota_rows = _quota_rows(wave, quotas)
    tier_rows = _tier_rows(wave, tiers)
    wave.save()
    WaveQuota.objects.bulk_create(quota_rows)
    WaveTier.objects.bulk_create(tier_rows)
    record_event(
        action="programmes.wave_created",
        actor=actor,
        target=wave,
        number=number,
        scheme=str(scheme),
        national_quota=national_quota,
        quotas={q.region_code: q.quota for q in quotas},
        tiers=[[t.rank, t.kind] for t in tiers],
    )
    return wave


def _locked(wave: Wave) -> Wave:
    return Wave.objects.select_for_update().get(pk=wave.pk)


@transaction.atomic
def open_wave(*, wave: Wave, actor: User | None, waves_link: str | None) -> Wave:
    """Open a draft wave and start telling, by background jobs, everyone who passed the
    test and is not in a wave (bekal.programmes.services.wave_notices).

    `waves_link`: the absolute address of the page where a person joins a wave, built by
    the interface that opens it (the domain knows no portal address); None tells nobody
    (scripts and benchmarks that open waves of synthetic people)."""
    wave = _locked(wave)
    if wave.status != Wave.Status.DRAFT:
        raise WaveStateError(status=wave.get_status_display())
    now = timezone.now()
    if wave.closes_at <= now:
        raise WaveWindowPassedError()
    wave.status, wave.opened_at = Wave.Status.OPEN, now
    wave.save(update_fields=["status", "opened_at", "updated_at"])
    record_event(action="programmes.wave_opened", actor=actor, target=wave)
    if waves_link is not None:
        start_wave_opening_notices(wave=wave, waves_link=waves_link)
    return wave


@transaction.atomic
def close_wave(*, wave: Wave, actor: User | None) -> Wave:
    wave = _locked(wave)
    if wave.status != Wave.Status.OPEN:
        raise WaveStateError(status=wave.get_status_display(), closing=True)
    wave.status, wave.closed_at = Wave.Status.CLOSED, timezone.now()
    wave.save(update_fields=["status", "closed_at", "updated_at"])
    record_event(
        action="programmes.wave_closed",
        actor=actor,
        target=wave,
        applications=wave.applications.count(),
    )
    return wave


@transaction.atomic
def join_wave(*, user: User, wave: Wave, test_passed: bool) -> WaveApplication:
    """The registrant joins an open wave, within its window.

    `test_passed`: whether the registrant passed the scheme's test (bekal.assessment
    decides; the caller passes its answer).
    """
    wave = Wave.objects.select_for_update().get(pk=wave.pk)  # not joined while it closes
    now = timezone.now()
    if wave.status != Wave.Status.OPEN or not wave.opens_at <= now < wave.closes_at:
        raise WaveNotOpenError()
    if not is_registration_complete(user=user):
        raise RegistrationIncompleteError()
    if not test_passed:
        raise AssessmentNotPassedError()
    if WaveApplication.objects.filter(wave=wave, user=user).exists():
        raise AlreadyJoinedError()
    elsewhere = (
        WaveApplication.objects.filter(user=user, wave__status=Wave.Status.OPEN)
        .select_related("wave")
        .first()
    )
    if elsewhere is not None:
        raise AlreadyInOpenWaveError(wave=elsewhere.wave.name)
    profile = get_profile(user=user)
    assert profile is not None  # a complete registration has a profile
    try:
        with transaction.atomic():
            application = WaveApplication.objects.create(
                wave=wave, user=user, regency_id=profile.domicile_regency_id, joined_at=now
            )
    except IntegrityError:  # the same person joining twice at once
        raise AlreadyJoinedError() from None
    record_event(action="programmes.wave_joined", actor=user, target=application, wave=wave.number)
    return application


_CARRY_OVER = """
    INSERT INTO programmes_waveapplication
        (wave_id, user_id, regency_id, joined_at, carried_over_from_id, selected)
    SELECT %(to_wave)s, a.user_id, a.regency_id, %(now)s, a.wave_id, NULL
    FROM programmes_waveapplication a
    WHERE a.wave_id = %(from_wave)s AND a.selected IS NOT TRUE
    ON CONFLICT (wave_id, user_id) DO NOTHING
"""


@transaction.atomic
def carry_over(*, from_wave: Wave, to_wave: Wave, actor: User | None = None) -> int:
    """Put everyone of `from_wave` who was not selected into `to_wave`; returns how many
    were added. Set-based, and idempotent: whoever is in `to_wave` already is skipped.

    "Not selected" is `selected IS NOT TRUE`: False (the selection run's decision) or
    None (no decision yet).
    """
    source, target = _locked(from_wave), _locked(to_wave)
    reason = None
    if source.pk == target.pk:
        reason = _("it is the same wave")
    elif source.status != Wave.Status.CLOSED:
        reason = _("the first wave is not closed")
    elif target.status == Wave.Status.CLOSED:
        reason = _("the second wave is closed")
    if reason:
        raise CarryOverError(source=source.name, target=target.name, reason=reason)
    with connection.cursor() as cursor:
        cursor.execute(
            _CARRY_OVER, {"to_wave": target.pk, "from_wave": source.pk, "now": timezone.now()}
        )
        added: int = cursor.rowcount
    record_event(
        action="programmes.wave_carried_over",
        actor=actor,
        target=target,
        from_wave=source.number,
        added=added,
    )
    return added
