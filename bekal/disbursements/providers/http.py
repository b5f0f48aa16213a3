"""The HTTP adapter of a SNAP-shaped payment provider (the simulated one in the demo and
the tests; a real provider's adapter would be another class of the same interface)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx

from bekal.disbursements.providers.base import (
    AccountInquiry,
    CallbackEvent,
    CallbackSignatureError,
    InquiryStatus,
    ProviderUnavailableError,
    TransferRequest,
    TransferResult,
    TransferStatus,
)
from bekal.disbursements.providers.signing import is_valid, signature

#: SNAP latestTransactionStatus codes read as transfer states.
SNAP_STATUS = {
    "00": TransferStatus.SUCCESS,
    "01": TransferStatus.PENDING,
    "03": TransferStatus.PENDING,
    "04": TransferStatus.RETURNED,
    "06": TransferStatus.FAILED,
    "07": TransferStatus.NOT_FOUND,
}
CALLBACK_PATH = "/api/payments/v1/callbacks/{code}/"


class HttpProvider:
    def __init__(
        self, *, code: str, base_url: str, partner_id: str, secret: str, timeout: float
    ) -> None:
        self.code = code
        self.partner_id = partner_id
        self.secret = secret
        self._client = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout)

    def _post(self, path: str, payload: dict[str, Any], external_id: str) -> httpx.Response:
        body = json.dumps(payload, separators=(",", ":")).encode()
        timestamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        headers = {
            "Content-Type": "application/json",
            "X-TIMESTAMP": timestamp,
            "X-PARTNER-ID": self.partner_id,
            "X-EXTERNAL-ID": external_id,
            "X-SIGNATURE": signature(
                secret=self.secret, method="POST", path=path, body=body, timestamp=timestamp
            ),
        }
        try:
            response = self._client.post(path, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise ProviderUnavailableError(type(exc).__name__) from None
        if response.status_code >= 500:
            raise ProviderUnavailableError(f"HTTP {response.status_code}")
        return response

    def inquire_account(self, *, channel: str, account_number: str) -> AccountInquiry:
        response = self._post(
            "/snap/v1.0/account-inquiry-external",
            {"beneficiaryBankCode": channel, "beneficiaryAccountNo": account_number},
            external_id=f"inq-{dt.datetime.now(dt.UTC).timestamp()}",
        )
        data = response.json()
        if response.status_code == 200:
            return AccountInquiry(InquiryStatus.FOUND, data.get("beneficiaryAccountName", ""))
        if data.get("failureCode") == "closed_account":
            return AccountInquiry(InquiryStatus.CLOSED_ACCOUNT)
        return AccountInquiry(InquiryStatus.INVALID_ACCOUNT)

    def submit_transfer(self, request: TransferRequest) -> TransferResult:
        response = self._post(
            "/snap/v1.0/transfer-interbank",
            {
                "partnerReferenceNo": request.external_id,
                "amount": {"value": f"{request.amount}.00", "currency": "IDR"},
                "beneficiaryBankCode": request.channel,
                "beneficiaryAccountNo": request.account_number,
                "transactionDate": request.value_date.isoformat(),
            },
            external_id=request.external_id,
        )
        data = response.json()
        if response.status_code == 409:
            return TransferResult(TransferStatus.PENDING, duplicate=True)
        if response.status_code == 200:
            return TransferResult(
                SNAP_STATUS.get(data.get("latestTransactionStatus", "03"), TransferStatus.PENDING),
                provider_reference=data.get("referenceNo", ""),
            )
        return TransferResult(
            TransferStatus.FAILED, failure_code=data.get("failureCode", "rejected")
        )

    def get_status(self, *, external_id: str, value_date: dt.date) -> TransferResult:
        response = self._post(
            "/snap/v1.0/transfer/status",
            {"originalPartnerReferenceNo": external_id, "transactionDate": value_date.isoformat()},
            external_id=f"status-{external_id}",
        )
        data = response.json()
        return TransferResult(
            SNAP_STATUS.get(data.get("latestTransactionStatus", "07"), TransferStatus.NOT_FOUND),
            failure_code=data.get("failureCode", ""),
            provider_reference=data.get("referenceNo", ""),
        )

    def parse_callback(self, *, headers: dict[str, str], body: bytes) -> CallbackEvent:
        lowered = {k.lower(): v for k, v in headers.items()}
        if not is_valid(
            secret=self.secret,
            method="POST",
            path=CALLBACK_PATH.format(code=self.code),
            body=body,
            timestamp=lowered.get("x-timestamp", ""),
            given=lowered.get("x-signature", ""),
        ):
            raise CallbackSignatureError()
        data = json.loads(body)
        return CallbackEvent(
            event_id=str(data["eventId"]),
            external_id=str(data["originalPartnerReferenceNo"]),
            status=SNAP_STATUS.get(str(data["latestTransactionStatus"]), TransferStatus.PENDING),
            failure_code=str(data.get("failureCode", "")),
            provider_reference=str(data.get("referenceNo", "")),
        )

    def fetch_statement(self, *, day: dt.date, format: str) -> str:
        try:
            response = self._client.get(
                "/snap/v1.0/statement", params={"date": day.isoformat(), "format": format}
            )
        except httpx.HTTPError as exc:
            raise ProviderUnavailableError(type(exc).__name__) from None
        if response.status_code != 200:
            raise ProviderUnavailableError(f"HTTP {response.status_code}")
        return response.text
