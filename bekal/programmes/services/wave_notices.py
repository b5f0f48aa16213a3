"""Telling people that a wave is open, so they can join it.

    start_wave_opening_notices(wave=w, waves_link=url)   # in the transaction that opens it
    tell_wave_open_batch(wave_id=w.pk, after=0)          # the job's work, batch by batch

Who is told: everyone who passed the test, whose account is active, and who is not in a
wave (no application still undecided or selected; someone not selected in an earlier
wave counts as not in one). Each person is told once per wave (WaveOpeningNotice is
unique per wave and person), by email in their language; who joins a wave before their
batch is reached is not told. A wave that closes stops the telling.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.formats import date_format

from bekal.accounts.models import User
from bekal.assessment.models import Attempt
from bekal.core.audit import record_event
from bekal.notifications.services import queue_templated_email
from bekal.programmes.models import Wave, WaveApplication, WaveOpeningAnnouncement

#: People told per job: each job is one short transaction.
WAVE_OPEN_BATCH_SIZE = 500
WAVE_OPEN = "wave_open"


@transaction.atomic
def start_wave_opening_notices(*, wave: Wave, waves_link: str) -> WaveOpeningAnnouncement:
    """Start telling, in batches by background jobs, everyone who could join the open
    `wave`. `waves_link`: the absolute address where they choose a wave. Idempotent: a
    wave is announced once."""
    announcement, created = WaveOpeningAnnouncement.objects.get_or_create(
        wave=wave, defaults={"waves_link": waves_link, "started_at": timezone.now()}
    )
    if created:
        from bekal.programmes.tasks import tell_wave_open_batch

        tell_wave_open_batch.defer(wave_id=wave.pk, after=0)
        record_event(action="programmes.wave_opening_notices_started", target=wave)
    return announcement


def _not_in_a_wave(user_ids: list[int]) -> list[int]:
    waiting_or_selected = WaveApplication.objects.filter(
        Q(selected__isnull=True) | Q(selected=True), user_id=OuterRef("user_id")
    )
    return list(
        Attempt.objects.filter(passed=True, user_id__in=user_ids, user__is_active=True)
        .exclude(Exists(waiting_or_selected))
        .values_list("user_id", flat=True)
    )


def _mark_told(*, wave_id: int, user_ids: list[int]) -> set[int]:
    """One notice row per person (set-based); the people not told before."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO programmes_waveopeningnotice (wave_id, user_id, told_at)
            SELECT %s, t.user_id, %s FROM unnest(%s::bigint[]) AS t(user_id)
            ON CONFLICT (wave_id, user_id) DO NOTHING
            RETURNING user_id
            """,
            [wave_id, timezone.now(), user_ids],
        )
        return {user_id for (user_id,) in cursor.fetchall()}


def _tell(*, user: User, wave: Wave, waves_link: str) -> None:
    with translation.override(user.language):
        closes = date_format(timezone.localtime(wave.closes_at), "j F Y, H:i T")
    queue_templated_email(
        to=user.email,
        kind=WAVE_OPEN,
        template="programmes/email/wave_open",
        context={
            "name": user.get_short_name() or user.full_name,
            "wave": wave.name,
            "closes": closes,
            "waves_link": waves_link,
        },
        language=user.language,
        user=user,
    )


@transaction.atomic
def tell_wave_open_batch(*, wave_id: int, after: int, size: int | None = None) -> int | None:
    """Tell the next `size` people who passed the test (by user id, after `after`) and
    are not in a wave, then queue the next batch in the same transaction. Returns the last
    user id looked at; None when the telling is finished. A batch done twice tells nobody
    twice."""
    announcement = (
        WaveOpeningAnnouncement.objects.select_for_update()
        .select_related("wave")
        .get(wave_id=wave_id)
    )
    if announcement.finished_at is not None:
        return None
    wave = announcement.wave
    size = size or WAVE_OPEN_BATCH_SIZE
    passed = list(
        Attempt.objects.filter(passed=True, user_id__gt=after)
        .order_by("user_id")
        .values_list("user_id", flat=True)[:size]
    )
    if not passed or wave.status != Wave.Status.OPEN:
        announcement.finished_at = timezone.now()
        announcement.save(update_fields=["finished_at"])
        record_event(
            action="programmes.wave_opening_notices_finished", target=wave, told=announcement.told
        )
        return None
    new = _mark_told(wave_id=wave_id, user_ids=_not_in_a_wave(passed))
    users = User.objects.in_bulk(sorted(new))
    for user_id in sorted(new):
        _tell(user=users[user_id], wave=wave, waves_link=announcement.waves_link)
    announcement.told += len(new)
    announcement.save(update_fields=["told"])
    last = passed[-1]
    from bekal.programmes.tasks import tell_wave_open_batch as job

    job.defer(wave_id=wave_id, after=last)
    return last
