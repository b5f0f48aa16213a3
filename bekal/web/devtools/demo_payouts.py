"""Demo data of the incentive payouts: card holders with instalments paid, failed and due.

With the simulated provider running (`make demo` starts it), of the card holders whose
first incentive fell due (a training completed and reviewed) the first links her e-wallet
and is paid (the first incentive and a survey), the second links a closed bank account
and the payment fails, the others have theirs due and no account yet. The card holder's
login (Rina) completed a training without reviewing it: her first incentive is
scheduled, and the portal tells her what to do. Without a provider (the test suite's
demo check), the instalments are written and made due only.
"""

from __future__ import annotations

import re
import time

from django.conf import settings
from django.utils import timezone

from bekal.accounts.models import User
from bekal.accounts.selectors import get_current_phone
from bekal.core.crypto import decrypt
from bekal.disbursements import tasks
from bekal.disbursements.errors import NothingToBatchError
from bekal.disbursements.models import Instalment, PayoutAccount
from bekal.disbursements.services import accounts, attempts, batches, entitlements
from bekal.disbursements.simulator.control import register_holders
from bekal.notifications.models import OutboxMessage
from bekal.registration.selectors import get_profile

CHECKER_EMAIL = "pemeriksa@bekal.example"
CLOSED_ACCOUNT = "0012345652"  # ends in 52: the simulator's closed account


def _checker(password: str) -> User:
    checker = User.objects.filter(email=CHECKER_EMAIL).first()
    if checker is None:
        checker = User.objects.create_user(
            email=CHECKER_EMAIL,
            password=password,
            full_name="Dodi Pemeriksa",
            role=User.Role.PROGRAMME_ADMIN,
            email_confirmed_at=timezone.now(),
        )
    return checker


def _link(person: User, *, channel: str, number: str) -> None:
    if PayoutAccount.objects.filter(user=person).exists():
        return
    accounts.request_account_link(user=person, channel=channel, number=number)
    sms = OutboxMessage.objects.filter(user=person, kind=accounts.CODE_KIND).latest("id")
    code = re.search(r"\b([0-9]{6})\b", sms.body)
    if code is not None:
        accounts.confirm_account_link(user=person, code=code.group(1))


def _wallet_number(person: User) -> str | None:
    phone = get_current_phone(user=person)
    return "0" + decrypt(phone.phone_encrypted).removeprefix("+62") if phone else None


def load_demo_payouts(*, admin: User, holders: list[User], password: str) -> str:
    """Idempotent. Returns the checker's email (the second officer who approves)."""
    checker = _checker(password)
    entitlements.create_instalments()
    entitlements.make_instalments_due()
    url = settings.BEKAL_PAYOUT_PROVIDER_URL
    owed = set(
        Instalment.objects.filter(user__in=holders, sequence=1)
        .exclude(status=Instalment.Status.SCHEDULED)
        .values_list("user_id", flat=True)
    )
    # Of the holders whose first incentive fell due: one is paid, one fails, the rest wait.
    candidates = [person for person in holders if person.pk in owed]
    if not url or len(candidates) < 3:
        return CHECKER_EMAIL
    paid, failed = candidates[0], candidates[1]
    wallet = _wallet_number(paid)
    if wallet is None:
        return CHECKER_EMAIL
    register_holders(
        url=url,
        holders={
            wallet: _name(paid),
            CLOSED_ACCOUNT: _name(failed),
        },
    )
    _link(paid, channel="ovo", number=wallet)
    _link(failed, channel="bni", number=CLOSED_ACCOUNT)
    # The paid holder's first survey, answered: a second instalment due.
    survey = Instalment.objects.filter(user=paid, kind=Instalment.Kind.SURVEY).order_by("sequence")
    first_survey = survey.first()
    if first_survey is not None and not hasattr(first_survey, "survey"):
        entitlements.submit_survey(
            user=paid,
            instalment_id=first_survey.pk,
            answers={"training_useful": "sangat", "work_status": "usaha", "skill_used": "ya"},
        )
        entitlements.make_instalments_due()
    try:
        batch = batches.prepare_batch(officer=admin)
    except NothingToBatchError:
        return CHECKER_EMAIL
    batches.approve_batch(
        batch=batch,
        officer=checker,
        control_count=batch.control_count,
        control_sum=int(batch.control_sum),
    )
    tasks.submit_batch(batch_id=batch.pk)
    time.sleep(1)  # the provider settles; its callbacks find no web server yet
    attempts.poll_open_attempts(now=timezone.now() + attempts.POLL_AFTER * 2)
    return CHECKER_EMAIL


def _name(person: User) -> str:
    profile = get_profile(user=person)
    return (profile.full_name if profile else person.full_name).upper()
