"""Writes of the cards app: announcing a run's results, offering, activating and revoking cards.

    announce_results(run=run)                        # once the run is published; idempotent
    accept_card_terms(user=u, terms_version=v, ip=ip)  # offered -> active, balance posted
    revoke_unused_cards()                            # active -> revoked past the deadline

Money moves only through bekal.ledger: a card's balance is its `card:<pk>` account
(kind card_balance), opened at acceptance and funded from the scheme's programme fund
`programme:fund:<scheme code>`, which draws on the state budget `state:budget` (the only
account that may go negative) when it holds too little.

A card counts as used when its ledger account has any entry moving money out of it
(amount < 0): the opening entry moves money in, so any outflow is a purchase. The
marketplace (next issue) buys trainings by posting such an outflow; until then no card is
used.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from bekal.accounts.models import User
from bekal.accounts.selectors import get_current_phone
from bekal.cards import notices
from bekal.cards import selectors as card_selectors
from bekal.cards.errors import (
    CardRevokedError,
    NotSelectedError,
    ResultsNotPublishedError,
    TermsVersionError,
)
from bekal.cards.models import Card, RunAnnouncement
from bekal.cards.numbers import new_card_number
from bekal.cards.terms import TERMS_VERSION
from bekal.core.audit import record_event
from bekal.core.crypto import decrypt
from bekal.ledger.errors import InsufficientBalanceError
from bekal.ledger.models import AccountKind, LedgerAccount
from bekal.ledger.selectors import get_balance
from bekal.ledger.services import open_account, post_transaction
from bekal.programmes.models import Scheme, Wave
from bekal.selection.models import SelectionOutcome, SelectionRun
from bekal.selection.selectors import get_published_outcome
from bekal.selection.services import (
    carry_over_unselected,
    do_requested_step,
    mark_step_requested,
    publish_run,
    record_revoked_recipient,
)

logger = logging.getLogger(__name__)

#: People told per announcement job: each job is one short transaction.
ANNOUNCE_BATCH_SIZE = 1000
#: Cards looked at per transaction-free page of the revocation sweep.
REVOKE_PAGE_SIZE = 500
BUDGET_CODE = "state:budget"


def fund_code(scheme: Scheme) -> str:
    return f"programme:fund:{scheme.code}"


# --- announcement ---------------------------------------------------------------------


@transaction.atomic
def publish_results(*, run: SelectionRun, actor: User) -> SelectionRun:
    """Publish a reviewed run and, in the same transaction, start telling every applicant
    (the selected are offered their card)."""
    published = publish_run(run=run, actor=actor)
    announce_results(run=published)
    for later in Wave.objects.filter(
        number__gt=published.wave.number, status__in=[Wave.Status.DRAFT, Wave.Status.OPEN]
    ):
        carry_over_unselected(to_wave=later, actor=actor)
    return published


@transaction.atomic
def request_publish(*, run: SelectionRun, actor: User) -> SelectionRun:
    """The office asks to publish a reviewed run; the job
    bekal.cards.tasks.publish_requested_results does it (publish_results), since at
    national scale publishing takes minutes. Asking again while it is queued changes
    nothing."""
    run, asked = mark_step_requested(run=run, step=SelectionRun.Step.PUBLISH, actor=actor)
    if asked:
        from bekal.cards.tasks import publish_requested_results

        publish_requested_results.defer(run_id=run.pk)
    return run


def publish_requested(*, run_id: int) -> SelectionRun | None:
    """The job's work: publish a requested run once (see do_requested_step)."""

    def publish(run: SelectionRun) -> SelectionRun:
        actor = run.step_requested_by
        assert actor is not None  # request_publish always names who asked
        return publish_results(run=run, actor=actor)

    return do_requested_step(run_id=run_id, step=SelectionRun.Step.PUBLISH, work=publish)


@transaction.atomic
def announce_results(*, run: SelectionRun) -> RunAnnouncement:
    """Start telling every applicant of the published `run` their result, in batches of
    ANNOUNCE_BATCH_SIZE by background jobs (queue "announcements"); the selected are
    offered a card. Safe to call twice, or concurrently: the run is announced once.

    Call it in (or after) the transaction that publishes the run.
    Raises ResultsNotPublishedError before publication.
    """
    run = SelectionRun.objects.select_for_update().get(pk=run.pk)
    if run.status != SelectionRun.Status.PUBLISHED:
        raise ResultsNotPublishedError()
    announcement, created = RunAnnouncement.objects.get_or_create(
        run=run, defaults={"started_at": timezone.now()}
    )
    if created:
        from bekal.cards.tasks import announce_results_batch

        announce_results_batch.defer(run_id=run.pk, after=0)
        record_event(action="cards.announcement_started", target=run, wave=run.wave_id)
    return announcement


def _current_phones(user_ids: list[int]) -> dict[int, str]:
    """The verified numbers (E.164) of these users, in one query."""
    from bekal.accounts.models import VerifiedPhone

    rows = VerifiedPhone.objects.filter(user_id__in=user_ids, replaced_at__isnull=True)
    return {
        user_id: decrypt(enc) for user_id, enc in rows.values_list("user_id", "phone_encrypted")
    }


def _mark_announced(
    *, run_id: int, rows: list[tuple[int, bool]], phones: dict[int, str], now: dt.datetime
) -> set[int]:
    """Insert one marker per (run, user); the users not told before (set-based)."""
    user_ids = [user_id for user_id, _selected in rows]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO cards_personannouncement
                (run_id, user_id, selected, sms_sent, announced_at)
            SELECT %s, t.user_id, t.selected, t.sms_sent, %s
            FROM unnest(%s::bigint[], %s::boolean[], %s::boolean[])
                AS t(user_id, selected, sms_sent)
            ON CONFLICT (run_id, user_id) DO NOTHING
            RETURNING user_id
            """,
            [
                run_id,
                now,
                user_ids,
                [selected for _user_id, selected in rows],
                [user_id in phones for user_id in user_ids],
            ],
        )
        return {user_id for (user_id,) in cursor.fetchall()}


@transaction.atomic
def announce_batch(*, run_id: int, after: int, size: int | None = None) -> int | None:
    """Tell the next `size` applicants of the run (by outcome id, after `after`), offer
    the selected their card, and queue the next batch in the same transaction. Returns the
    last outcome id done, None when the announcement is finished. A batch done twice tells
    nobody twice (PersonAnnouncement's unique (run, user))."""
    announcement = (
        RunAnnouncement.objects.select_for_update()
        .select_related("run__wave__scheme")
        .get(run_id=run_id)
    )
    if announcement.finished_at is not None:
        return None
    now = timezone.now()
    size = size or ANNOUNCE_BATCH_SIZE
    outcomes = list(
        SelectionOutcome.objects.filter(run_id=run_id, pk__gt=after)
        .order_by("pk")
        .values_list("pk", "application__user_id", "selected")[:size]
    )
    if not outcomes:
        announcement.finished_at = now
        announcement.save(update_fields=["finished_at"])
        record_event(
            action="cards.announcement_finished",
            target=announcement.run,
            announced=announcement.announced,
        )
        return None
    rows = [(user_id, selected) for _pk, user_id, selected in outcomes]
    phones = _current_phones([user_id for user_id, _ in rows])
    new = _mark_announced(run_id=run_id, rows=rows, phones=phones, now=now)
    wave = announcement.run.wave
    _offer_cards(
        user_ids=[user_id for user_id, selected in rows if selected and user_id in new],
        wave_id=wave.pk,
        scheme_id=wave.scheme_id,
        now=now,
    )
    users = User.objects.in_bulk(list(new))
    for user_id, selected in rows:
        if user_id in new:
            notices.tell_result(
                user=users[user_id], phone=phones.get(user_id), selected=selected, wave=wave
            )
    announcement.announced += len(new)
    announcement.save(update_fields=["announced"])
    last = outcomes[-1][0]
    from bekal.cards.tasks import announce_results_batch

    announce_results_batch.defer(run_id=run_id, after=last)
    return last


# --- offer and acceptance ----------------------------------------------------------------


#: The constraint a random card number may collide with; any other refusal is a bug.
_NUMBER_TAKEN = "cards_card_number_key"


def _offer_cards(*, user_ids: list[int], wave_id: int, scheme_id: int, now: dt.datetime) -> None:
    """An offered card for each user in the wave who has none (set-based, idempotent).

    Numbers are random: a collision with an existing number (about one in 10^14 a card)
    rolls back to the savepoint and is retried with new numbers. A second live card for
    one person in one scheme year is refused by the database
    (cards_card_one_live_per_scheme_year): the selection's rules never select such a
    person, so that refusal stops the announcement loudly rather than be skipped."""
    if not user_ids:
        return
    # Two inserts of one person's card at once (an accept racing the announcement, or a
    # double tap) meet on two unique indexes, (user, wave) and one live card a scheme
    # year, and PostgreSQL can deadlock them there. Each person's card is made in turn:
    # their rows are locked first, in id order so that two batches never cross.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM accounts_user WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE",
            [user_ids],
        )
    for attempt in range(5):
        numbers = [new_card_number() for _ in user_ids]
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    """
                    INSERT INTO cards_card
                        (created_at, updated_at, user_id, wave_id, scheme_id, scheme_code,
                         number, status, offered_at, terms_version, revoke_reason)
                    SELECT %s, %s, t.user_id, %s, s.id, s.code, t.number, 'offered', %s, '', ''
                    FROM unnest(%s::bigint[], %s::text[]) AS t(user_id, number)
                    JOIN programmes_scheme s ON s.id = %s
                    ON CONFLICT (user_id, wave_id) DO NOTHING
                    """,
                    [now, now, wave_id, now, user_ids, numbers, scheme_id],
                )
            return
        except IntegrityError as error:
            cause = getattr(error.__cause__, "diag", None)
            if attempt == 4 or getattr(cause, "constraint_name", None) != _NUMBER_TAKEN:
                raise


@transaction.atomic
def offer_card(*, outcome: SelectionOutcome) -> Card:
    """The card offered to the person of a selected outcome of a published run (created
    if it does not exist yet; idempotent)."""
    outcome = SelectionOutcome.objects.select_related("run", "application__wave").get(pk=outcome.pk)
    if not outcome.selected or outcome.run.status != SelectionRun.Status.PUBLISHED:
        raise NotSelectedError()
    wave = outcome.application.wave
    user_id = outcome.application.user_id
    _offer_cards(user_ids=[user_id], wave_id=wave.pk, scheme_id=wave.scheme_id, now=timezone.now())
    return Card.objects.get(user_id=user_id, wave=wave)


def _fund_card(*, card: Card, account: LedgerAccount, amount: int) -> None:
    """Post the opening entry: the scheme's balance from the programme fund to the card,
    the fund drawing what it lacks from the state budget."""
    scheme = card.scheme
    fund = open_account(
        code=fund_code(scheme),
        kind=AccountKind.PROGRAMME_FUND,
        owner_type="programme",
        owner_id=scheme.code,
    )
    opening = {
        "idempotency_key": f"card-opening:{card.pk}",
        "kind": "card_opening",
        "lines": [(fund, -amount), (account, amount)],
        "description": f"Opening balance of card {card.pk} (scheme {scheme.code})",
        "metadata": {"card": card.pk, "scheme": scheme.code, "scheme_version": scheme.version},
    }
    try:
        post_transaction(**opening)  # type: ignore[arg-type]
        return
    except InsufficientBalanceError as error:
        if error.account_code != fund.code:
            raise
        shortfall = error.needed - error.available
    budget = open_account(code=BUDGET_CODE, kind=AccountKind.FUNDING_SOURCE)
    post_transaction(
        idempotency_key=f"programme-funding:card:{card.pk}",
        kind="programme_funding",
        lines=[(budget, -shortfall), (fund, shortfall)],
        description=f"State budget to the {scheme.code} programme fund for card {card.pk}",
        metadata={"card": card.pk, "scheme": scheme.code},
    )
    post_transaction(**opening)  # type: ignore[arg-type]


@transaction.atomic
def accept_card_terms(
    *, user: User, terms_version: str, ip: str | None = None, now: dt.datetime | None = None
) -> Card:
    """The selected person accepts the card terms: the card becomes active with the
    scheme's training balance, and must buy a first training within the scheme's days.

    Only for a person selected in a published run (NotSelectedError); `terms_version` must
    be the current TERMS_VERSION (TermsVersionError); a revoked card stays revoked
    (CardRevokedError). Accepting an active card again returns it unchanged.
    """
    outcome = get_published_outcome(user=user)
    if outcome is None:
        raise NotSelectedError()
    offered = offer_card(outcome=outcome)  # the announcement may not have reached them yet
    card = Card.objects.select_for_update().select_related("scheme").get(pk=offered.pk)
    if card.status == Card.Status.ACTIVE:
        return card
    if card.status == Card.Status.REVOKED:
        raise CardRevokedError()
    if terms_version != TERMS_VERSION:
        raise TermsVersionError()
    now = now or timezone.now()
    amount = int(card.scheme.training_balance)
    account = open_account(
        code=card.ledger_account_code,
        kind=AccountKind.CARD_BALANCE,
        owner_type="cards.card",
        owner_id=str(card.pk),
    )
    if amount > 0:
        _fund_card(card=card, account=account, amount=amount)
    card.status = Card.Status.ACTIVE
    card.accepted_at = now
    card.terms_version = terms_version
    card.first_purchase_deadline = now + dt.timedelta(days=card.scheme.first_purchase_days)
    card.ledger_account = account
    card.save(
        update_fields=[
            "status",
            "accepted_at",
            "terms_version",
            "first_purchase_deadline",
            "ledger_account",
            "updated_at",
        ]
    )
    record_event(
        action="cards.terms_accepted",
        actor=user,
        subject_user=user,
        target=card,
        ip_address=ip,
        terms_version=terms_version,
        balance=amount,
        wave=card.wave_id,
    )
    notices.tell_card_active(card=card, user=user, balance=amount)
    return card


# --- revocation ----------------------------------------------------------------------


@transaction.atomic
def _revoke_if_unused(*, card_id: int, now: dt.datetime) -> bool:
    """Revoke the card if, under its lock, it is still active, past its deadline and
    unused. True if this call revoked it."""
    card = (
        Card.objects.select_for_update(of=("self",))
        .select_related("scheme", "wave", "user", "ledger_account")
        .get(pk=card_id)
    )
    if not card_selectors.is_revocable(card=card, now=now):
        return False
    account = card.ledger_account
    assert account is not None
    returned = get_balance(account=account)
    if returned > 0:
        fund = open_account(
            code=fund_code(card.scheme),
            kind=AccountKind.PROGRAMME_FUND,
            owner_type="programme",
            owner_id=card.scheme.code,
        )
        post_transaction(
            idempotency_key=f"card-revocation:{card.pk}",
            kind="card_revocation",
            lines=[(account, -returned), (fund, returned)],
            description=f"Card {card.pk} revoked: balance back to the programme fund",
            metadata={"card": card.pk, "reason": Card.RevokeReason.NO_TRAINING_BOUGHT},
        )
    card.status = Card.Status.REVOKED
    card.revoked_at = now
    card.revoke_reason = Card.RevokeReason.NO_TRAINING_BOUGHT
    card.save(update_fields=["status", "revoked_at", "revoke_reason", "updated_at"])
    record_revoked_recipient(user=card.user, reason=card.revoke_reason, wave=card.wave)
    phone = get_current_phone(user=card.user)
    notices.tell_card_revoked(
        card=card,
        user=card.user,
        phone=decrypt(phone.phone_encrypted) if phone else None,
        returned=returned,
    )
    record_event(
        action="cards.revoked",
        subject_user=card.user,
        target=card,
        reason=card.revoke_reason,
        returned=returned,
        deadline=card.first_purchase_deadline.isoformat() if card.first_purchase_deadline else "",
    )
    return True


def revoke_unused_cards(
    *, now: dt.datetime | None = None, page_size: int = REVOKE_PAGE_SIZE
) -> int:
    """Revoke every active card with no training bought by its deadline: its balance goes
    back to the programme fund, the person is recorded as revoked (never selected again)
    and told. Set-based selection, one short transaction per card; idempotent (a revoked
    card is no longer active). Returns how many cards this call revoked."""
    now = now or timezone.now()
    revoked = 0
    after = 0
    while True:
        ids = card_selectors.list_revocable_card_ids(now=now, after=after, limit=page_size)
        if not ids:
            return revoked
        for card_id in ids:
            try:
                revoked += _revoke_if_unused(card_id=card_id, now=now)
            except InsufficientBalanceError:
                # A purchase moved money out while we read the balance: the card is used.
                logger.info("card %s was used during its revocation; left active", card_id)
        after = ids[-1]
