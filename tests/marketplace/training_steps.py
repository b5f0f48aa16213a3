"""What the training page tests share: buying through the course page as a person does,
and a training taken to its end by its platform (redeemed, then completed)."""

from __future__ import annotations

import datetime as dt
import re

from bekal.marketplace.models import Completion, Purchase
from bekal.marketplace.services.vouchers import record_completion, redeem_voucher

_KEY = re.compile(r'name="idempotency_key" value="([0-9a-f]{32})"')
_SESSION = re.compile(r'name="session" value="(\d+)"')


def form_key(page: str) -> str:
    """The idempotency key the course page put in its buy form."""
    found = _KEY.search(page)
    assert found is not None, "the course page has no buy form"
    return found.group(1)


def buy_on_page(client, course, *, session=None):
    """Open the course page, pick the session (the first offered if none is given) and
    press the buy button. Returns the POST's response."""
    page = client.get(f"/pelatihan/{course.pk}/").content.decode()
    data = {"idempotency_key": form_key(page)}
    offered = _SESSION.findall(page)
    if session is not None:
        data["session"] = str(session.pk)
    elif offered:
        data["session"] = offered[0]
    return client.post(f"/pelatihan/{course.pk}/beli/", data)


def completed(purchase: Purchase, *, certificate: str = "SERT/2026/0001") -> Completion:
    """The provider redeems the voucher at the session's start; the platform reports the
    completion once it has ended."""
    session = purchase.session
    assert session is not None
    redeem_voucher(
        platform=purchase.platform, voucher_code=purchase.voucher_code, now=session.starts_at
    )
    after = session.ends_at + dt.timedelta(minutes=5)
    minutes = int((session.ends_at - session.starts_at).total_seconds() // 60)
    return record_completion(
        platform=purchase.platform,
        voucher_code=purchase.voucher_code,
        certificate_number=certificate,
        evidence={"attended_minutes": minutes},
        now=after,
    )
