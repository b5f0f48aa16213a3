"""Published runs, phones and announcements for the cards tests.

Runs are built with the selection app's own test factories, which go through its services
(create_run, commit_seed, close, run_selection, review_run, publish_run).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from bekal.accounts.models import User, VerifiedPhone
from bekal.accounts.phone_numbers import mask_phone_number
from bekal.accounts.phone_verification import phone_index
from bekal.cards import services
from bekal.core import crypto
from bekal.selection.models import SelectionRun
from tests.selection.factories import Person, join, publish, wave


@dataclass
class Published:
    run: SelectionRun
    selected: list[User]
    not_selected: list[User]


def give_phone(user: User, e164: str) -> None:
    """A verified mobile number (the OTP flow itself is tested in tests/accounts)."""
    VerifiedPhone.objects.create(
        user=user,
        phone_encrypted=crypto.encrypt(e164),
        phone_index=phone_index(e164),
        phone_masked=mask_phone_number(e164),
        verified_at=timezone.now(),
    )


def published_run(
    *, scheme: str = "2023", selected: int = 1, not_selected: int = 0, publish_it: bool = True
) -> Published:
    """A wave of `selected + not_selected` eligible people with `selected` places, run
    and (with `publish_it`) published. Everyone's email is confirmed."""
    w, run = wave(scheme=scheme, national_quota=selected)
    applications = join(w, [Person() for _ in range(selected + not_selected)])
    User.objects.filter(pk__in=[a.user_id for a in applications]).update(
        email_confirmed_at=timezone.now()
    )
    if publish_it:
        run = publish(run)
    else:
        from bekal.selection import services as selection
        from tests.selection.factories import admin, close

        close(w)
        run = selection.run_selection(run=run, actor=admin())
        run = selection.review_run(run=run, actor=admin(), note="Sesuai")
    outcomes = list(run.outcomes.select_related("application__user").order_by("pk"))
    return Published(
        run=run,
        selected=[o.application.user for o in outcomes if o.selected],
        not_selected=[o.application.user for o in outcomes if not o.selected],
    )


def announce(run: SelectionRun, *, size: int | None = None) -> None:
    """Announce the run and work through its batches here, as the job chain does."""
    services.announce_results(run=run)
    after: int | None = 0
    while after is not None:
        after = services.announce_batch(run_id=run.pk, after=after, size=size)
