"""Card holders on the way to their incentives, built through services."""

from __future__ import annotations

import itertools
import re

from bekal.accounts.models import User
from bekal.cards.models import Card
from bekal.disbursements.models import PayoutAccount
from bekal.disbursements.services import accounts
from bekal.marketplace.models import Format
from bekal.marketplace.services.purchases import purchase_course
from bekal.marketplace.services.reviews import submit_review
from bekal.marketplace.services.vouchers import record_completion, redeem_voucher
from bekal.notifications.models import OutboxMessage
from bekal.registration.selectors import get_profile
from tests.cards.factories import give_phone
from tests.marketplace.factories import card_holder, course
from tests.selection.factories import admin

_phones = itertools.count(10_000_000)


def trained_card_holder(*, scheme: str = "2023", review: bool = True) -> tuple[User, Card]:
    """A card holder who completed a training (with its certificate) and reviewed it."""
    person, card = card_holder(scheme=scheme)
    c = course(format=Format.SELF_PACED)
    purchase = purchase_course(user=person, course_id=c.pk, idempotency_key=f"training-{c.pk:04d}")
    redeem_voucher(platform=purchase.platform, voucher_code=purchase.voucher_code)
    record_completion(
        platform=purchase.platform,
        voucher_code=purchase.voucher_code,
        certificate_number=f"CERT-{purchase.pk}",
        evidence={"progress_percent": 100, "final_test_score": 90},
    )
    if review:
        submit_review(user=person, purchase_id=purchase.pk, rating=5, comment="Bermanfaat")
    return person, card


def with_phone(person: User, ending: str = "00") -> str:
    """Give the person a verified phone ending in `ending` (the simulator's scenario);
    returns the e-wallet account number the provider knows it by (0812...)."""
    local = f"0812{next(_phones):08d}"[:-2] + ending
    give_phone(person, "+62" + local[1:])
    return local


def registered_name(person: User) -> str:
    profile = get_profile(user=person)
    return profile.full_name if profile else person.full_name


def latest_code() -> str:
    sms = OutboxMessage.objects.filter(channel=OutboxMessage.Channel.SMS).latest("id")
    found = re.search(r"\b([0-9]{6})\b", sms.body)
    assert found is not None
    return found.group(1)


def link_account(person: User, *, channel: str, number: str) -> PayoutAccount:
    accounts.request_account_link(user=person, channel=channel, number=number)
    return accounts.confirm_account_link(user=person, code=latest_code())


def officers() -> tuple[User, User]:
    maker = admin()
    checker = User.objects.create_user(
        email="checker@prakerja.go.id", password=None, full_name="Pemeriksa", role="programme_admin"
    )
    return maker, checker
