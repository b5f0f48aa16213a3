"""Waves: quotas that fit, tiers, opening and closing, and which waves a registrant sees."""

import datetime as dt

import pytest
from django.utils import timezone

from bekal.core.models import AuditEvent
from bekal.programmes import services
from bekal.programmes.errors import (
    WaveInvalidError,
    WaveQuotaDuplicateError,
    WaveQuotaExceedsNationalError,
    WaveQuotaExceedsProvinceError,
    WaveQuotaRegionError,
    WaveStateError,
    WaveTierInvalidError,
    WaveWindowPassedError,
)
from bekal.programmes.models import Wave, WaveTier
from bekal.programmes.selectors import get_open_waves, get_wave
from bekal.programmes.services import QuotaInput, TierInput
from tests.programmes.factories import officer, scheme_2023, wave

pytestmark = pytest.mark.django_db

BEKASI = "32.16"  # Kabupaten Bekasi, in Jawa Barat ("32")


def test_a_wave_is_created_with_regional_quotas_and_tiers():
    staff = officer()

    created = wave(
        open_now=False,
        national_quota=164_000,
        quotas=[QuotaInput("32", 30_000), QuotaInput(BEKASI, 24_000), QuotaInput("17.71", 2_000)],
        tiers=[
            TierInput(1, WaveTier.Kind.NO_OTHER_SOCIAL_ASSISTANCE, "Belum menerima bansos"),
            TierInput(2, WaveTier.Kind.NAMED_DISTRICTS, "Kecamatan terdampak", ["32.16.01"]),
        ],
        actor=staff,
    )

    assert created.status == Wave.Status.DRAFT
    assert created.scheme == scheme_2023()
    quotas = {(q.province_id or q.regency_id): q.quota for q in created.quotas.all()}
    assert quotas == {"32": 30_000, BEKASI: 24_000, "17.71": 2_000}
    assert [(t.rank, t.kind) for t in created.tiers.order_by("rank")] == [
        (1, "no_other_social_assistance"),
        (2, "named_districts"),
    ]
    assert AuditEvent.objects.filter(action="programmes.wave_created", actor=staff).exists()


@pytest.mark.parametrize(
    ("national", "quotas", "error"),
    [
        (
            50_000,
            [QuotaInput("32", 40_000), QuotaInput("17", 20_000)],
            WaveQuotaExceedsNationalError,
        ),
        # A regency outside any province quota counts against the national quota.
        (
            30_000,
            [QuotaInput("32", 20_000), QuotaInput("17.71", 10_001)],
            WaveQuotaExceedsNationalError,
        ),
        (
            100_000,
            [QuotaInput("32", 20_000), QuotaInput(BEKASI, 24_000)],
            WaveQuotaExceedsProvinceError,
        ),
        (
            100_000,
            [QuotaInput("32", 30_000), QuotaInput(BEKASI, 24_000), QuotaInput("32.75", 6_001)],
            WaveQuotaExceedsProvinceError,
        ),
        (100_000, [QuotaInput("99.99", 10)], WaveQuotaRegionError),
        (100_000, [QuotaInput(BEKASI, 10), QuotaInput(BEKASI, 20)], WaveQuotaDuplicateError),
    ],
)
def test_quotas_that_do_not_fit_are_refused_and_no_wave_is_made(national, quotas, error):
    with pytest.raises(error):
        wave(open_now=False, national_quota=national, quotas=quotas)

    assert not Wave.objects.exists()


def test_regional_quotas_may_fill_the_national_quota_exactly():
    created = wave(
        open_now=False,
        national_quota=30_000,
        quotas=[QuotaInput("32", 20_000), QuotaInput(BEKASI, 20_000), QuotaInput("17.71", 10_000)],
    )

    assert created.quotas.count() == 3


@pytest.mark.parametrize(
    "tier",
    [
        TierInput(1, WaveTier.Kind.NAMED_DISTRICTS, "Tanpa kecamatan"),
        TierInput(1, WaveTier.Kind.NAMED_DISTRICTS, "Kecamatan salah", ["99.99.99"]),
        TierInput(1, WaveTier.Kind.REPORTED_LAID_OFF, "Korban PHK tanpa daftar"),
        TierInput(1, "lottery_winners", "Tidak dikenal"),
    ],
)
def test_a_tier_without_what_it_needs_is_refused(tier):
    with pytest.raises(WaveTierInvalidError):
        wave(open_now=False, tiers=[tier])

    assert not Wave.objects.exists()


def test_two_tiers_of_one_rank_are_refused():
    tiers = [
        TierInput(1, WaveTier.Kind.NO_OTHER_SOCIAL_ASSISTANCE, "A"),
        TierInput(1, WaveTier.Kind.NAMED_DISTRICTS, "B", ["32.16.01"]),
    ]

    with pytest.raises(WaveTierInvalidError):
        wave(open_now=False, tiers=tiers)


def test_a_wave_under_an_old_scheme_version_is_refused():
    old = scheme_2023()
    services.revise_scheme(scheme=old, changes={"first_purchase_days": 14}, actor=None)

    with pytest.raises(WaveInvalidError):
        wave(open_now=False, scheme=old)


def test_a_wave_closing_before_it_opens_is_refused():
    now = timezone.now()

    with pytest.raises(WaveInvalidError):
        wave(open_now=False, opens_at=now, closes_at=now - dt.timedelta(hours=1))


def test_a_wave_opens_and_closes_once():
    staff = officer()
    created = wave(open_now=False)

    services.open_wave(wave=created, actor=staff, waves_link=None)
    with pytest.raises(WaveStateError):
        services.open_wave(wave=created, actor=staff, waves_link=None)
    services.close_wave(wave=created, actor=staff)
    with pytest.raises(WaveStateError):
        services.close_wave(wave=created, actor=staff)

    assert get_wave(number=1).status == Wave.Status.CLOSED
    actions = AuditEvent.objects.filter(actor=staff).values_list("action", flat=True)
    assert sorted(actions) == ["programmes.wave_closed", "programmes.wave_opened"]


def test_a_draft_wave_cannot_be_closed():
    with pytest.raises(WaveStateError):
        services.close_wave(wave=wave(open_now=False), actor=None)


def test_a_wave_whose_closing_time_passed_cannot_be_opened():
    now = timezone.now()
    late = wave(
        open_now=False,
        opens_at=now - dt.timedelta(days=8),
        closes_at=now - dt.timedelta(days=1),
        announce_at=now,
    )

    with pytest.raises(WaveWindowPassedError):
        services.open_wave(wave=late, actor=None, waves_link=None)


def test_open_waves_are_those_open_now_without_a_zero_quota_for_the_region():
    now = timezone.now()
    first = wave(1)
    wave(2, open_now=False)
    wave(3, opens_at=now + dt.timedelta(days=1), closes_at=now + dt.timedelta(days=2))
    not_for_bekasi = wave(4, quotas=[QuotaInput(BEKASI, 0)])
    not_for_west_java = wave(5, quotas=[QuotaInput("32", 0)])

    assert set(get_open_waves()) == {first, not_for_bekasi, not_for_west_java}
    assert list(get_open_waves(regency_code=BEKASI)) == [first]
    assert set(get_open_waves(regency_code="17.71")) == {first, not_for_bekasi, not_for_west_java}
