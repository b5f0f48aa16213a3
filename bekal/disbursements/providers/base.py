"""The one interface every payment provider sits behind, shaped after Bank Indonesia's
SNAP transfer API: account inquiry, transfer with a per-day unique external id, status
inquiry, signed callbacks, daily statements. The simulated provider is reached through
the HTTP adapter (bekal.disbursements.providers.http); a production adapter is another
class implementing this Protocol, nothing else changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class ProviderUnavailableError(Exception):
    """No answer (timeout, connection refused, 5xx): the outcome is unknown."""


class InquiryStatus(StrEnum):
    FOUND = "found"
    INVALID_ACCOUNT = "invalid_account"
    CLOSED_ACCOUNT = "closed_account"


@dataclass(frozen=True, slots=True)
class AccountInquiry:
    status: InquiryStatus
    holder_name: str = ""


class TransferStatus(StrEnum):
    """A transfer's state at the provider (SNAP latestTransactionStatus, read)."""

    PENDING = "pending"
    SUCCESS = "success"
    FAILED = "failed"
    RETURNED = "returned"
    #: The provider has no transfer with that external id.
    NOT_FOUND = "not_found"


#: Failures after which a new attempt (new key) may be made once the account is fixed.
DEFINITIVE_FAILURES = frozenset(
    {"invalid_account", "closed_account", "name_mismatch", "balance_cap"}
)


@dataclass(frozen=True, slots=True)
class TransferRequest:
    external_id: str
    channel: str
    account_number: str
    amount: int
    #: The day the external id is unique in (SNAP: per day), Asia/Jakarta.
    value_date: dt.date


@dataclass(frozen=True, slots=True)
class TransferResult:
    status: TransferStatus
    failure_code: str = ""
    provider_reference: str = ""
    #: The provider refused the external id as already used (it has the transfer).
    duplicate: bool = False


@dataclass(frozen=True, slots=True)
class CallbackEvent:
    event_id: str
    external_id: str
    status: TransferStatus
    failure_code: str = ""
    provider_reference: str = ""


class CallbackSignatureError(Exception):
    """The callback's signature is missing or wrong."""


class PaymentProvider(Protocol):
    code: str

    def inquire_account(self, *, channel: str, account_number: str) -> AccountInquiry: ...

    def submit_transfer(self, request: TransferRequest) -> TransferResult: ...

    def get_status(self, *, external_id: str, value_date: dt.date) -> TransferResult: ...

    def parse_callback(self, *, headers: dict[str, str], body: bytes) -> CallbackEvent: ...

    def fetch_statement(self, *, day: dt.date, format: str) -> str: ...
