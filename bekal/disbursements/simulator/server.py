"""A simulated payment provider: its own HTTP server process, SNAP-shaped.

    python -m bekal.disbursements.simulator --port 8765 \
        --callback-url http://127.0.0.1:8000/api/payments/v1/callbacks/simulasi/ --secret S

The last two digits of an account number (or of an e-wallet's phone number) pick the
scenario, as a sandbox's test accounts do:

    51 invalid account (inquiry and transfer refused)
    52 closed account (inquiry answers, the transfer is refused)
    53 name mismatch (the inquiry answers another person's name)
    54 e-wallet balance cap (the transfer is refused)
    55 timeout then success (the first answer comes too late; the transfer goes through)
    56 answer lost (processed, the connection is closed without an answer)
    57 late callback (sent after --late-seconds)
    58 callbacks duplicated and out of order (5 of them, a stale "pending" last)
    59 reversal after success (a "returned" callback follows the success)
    60 no callback at all (the status inquiry settles it)
    anything else: success, one callback

A transfer's external id is unique: a second submission answers 409 (duplicate
reference) and changes nothing. Holder names are registered by POST /_sim/holders
(the demo and the tests do, as a sandbox's fixtures); GET /_sim/transfers lists what the
provider executed, for the tests and the benchmark to count.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from bekal.disbursements.providers.signing import signature

FAILURES = {"51": "invalid_account", "52": "closed_account", "53": "name_mismatch"}
EWALLET_FAILURES = {"54": "balance_cap"}
STATUS_CODE = {"success": "00", "pending": "03", "returned": "04", "failed": "06"}


class Simulator:
    def __init__(
        self, *, callback_url: str, secret: str, delay: float, late: float, slow: float
    ) -> None:
        self.callback_url = callback_url
        self.secret = secret
        self.delay = delay
        self.late = late
        self.slow = slow
        self.lock = threading.Lock()
        self.holders: dict[str, str] = {}
        self.transfers: dict[str, dict[str, Any]] = {}
        self.submissions = 0
        self.client = httpx.Client(timeout=10)

    # --- scenarios ---------------------------------------------------------------------

    def holder(self, number: str) -> str | None:
        name = self.holders.get(number)
        if number.endswith("53"):
            return "RINA MARLINA SARI"
        return name

    def inquiry(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        number = str(body.get("beneficiaryAccountNo", ""))
        name = self.holder(number)
        if number.endswith("51") or name is None:
            return 404, {"responseCode": "4041611", "failureCode": "invalid_account"}
        return 200, {"responseCode": "2001600", "beneficiaryAccountName": name}

    def transfer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any], str]:
        """(HTTP status, answer, what to do: "answer", "slow" or "drop")."""
        external_id = str(body["partnerReferenceNo"])
        number = str(body.get("beneficiaryAccountNo", ""))
        amount = int(float(body["amount"]["value"]))
        with self.lock:
            self.submissions += 1
            existing = self.transfers.get(external_id)
            if existing is not None:
                existing["duplicates"] += 1
                return 409, {"responseCode": "4091800", "responseMessage": "Duplicate"}, "answer"
            ending = number[-2:]
            failure = FAILURES.get(ending) or (
                EWALLET_FAILURES.get(ending)
                if body.get("beneficiaryBankCode") in {"ovo", "gopay", "linkaja", "dana"}
                else None
            )
            if number not in self.holders and not failure:
                failure = "invalid_account"
            record = {
                "external_id": external_id,
                "account": number,
                "amount": amount,
                "status": "failed" if failure else "pending",
                "failure_code": failure or "",
                "reference": uuid.uuid4().hex[:16],
                "value_date": str(body.get("transactionDate", dt.date.today().isoformat())),
                "executed": 0,
                "duplicates": 0,
                "events": 0,
            }
            self.transfers[external_id] = record
        if failure:
            return 400, {"responseCode": "4031802", "failureCode": failure}, "answer"
        threading.Thread(target=self._settle, args=(external_id, ending), daemon=True).start()
        how = {"55": "slow", "56": "drop"}.get(ending, "answer")
        return 200, self._status_body(record), how

    def _settle(self, external_id: str, ending: str) -> None:
        time.sleep(self.delay)
        with self.lock:
            record = self.transfers[external_id]
            record["status"] = "success"
            record["executed"] += 1
        if ending == "60":
            return
        if ending == "57":
            time.sleep(self.late)
        if ending == "58":
            # Five deliveries, a stale "pending" among the repeated successes.
            for status in ("success", "success", "pending", "success", "success"):
                self._callback(record, status)
            return
        self._callback(record, "success")
        if ending == "59":
            time.sleep(self.delay)
            with self.lock:
                record["status"] = "returned"
                record["returned_on"] = dt.date.today().isoformat()
            self._callback(record, "returned")

    def _status_body(self, record: dict[str, Any]) -> dict[str, Any]:
        return {
            "responseCode": "2001800",
            "originalPartnerReferenceNo": record["external_id"],
            "referenceNo": record["reference"],
            "latestTransactionStatus": STATUS_CODE[record["status"]],
            "failureCode": record["failure_code"],
        }

    def status(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            record = self.transfers.get(str(body.get("originalPartnerReferenceNo")))
            if record is None:
                return 200, {"responseCode": "4040101", "latestTransactionStatus": "07"}
            return 200, self._status_body(record)

    def _callback(self, record: dict[str, Any], status: str) -> None:
        with self.lock:
            record["events"] += 1
            payload = {
                "eventId": f"{record['external_id']}:{status}",
                "originalPartnerReferenceNo": record["external_id"],
                "referenceNo": record["reference"],
                "latestTransactionStatus": STATUS_CODE[status],
                "failureCode": record["failure_code"],
            }
        body = json.dumps(payload, separators=(",", ":")).encode()
        timestamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        path = urllib.parse.urlsplit(self.callback_url).path
        headers = {
            "Content-Type": "application/json",
            "X-TIMESTAMP": timestamp,
            "X-SIGNATURE": signature(
                secret=self.secret, method="POST", path=path, body=body, timestamp=timestamp
            ),
        }
        for _try in range(5):  # a provider retries a callback that was not acknowledged
            try:
                response = self.client.post(self.callback_url, content=body, headers=headers)
                if response.is_success or response.is_client_error:
                    return  # acknowledged, or refused for good
            except httpx.HTTPError:
                pass
            time.sleep(0.5)

    def statement(self, day: str, fmt: str) -> str:
        with self.lock:
            rows = [r for r in self.transfers.values() if r["executed"] and r["value_date"] == day]
            rows.sort(key=lambda r: r["external_id"])
        if fmt == "mt940":
            return mt940_statement(day, rows)
        lines = ["value_date,reference,provider_reference,amount,status"]
        for r in rows:
            lines.append(f"{day},{r['external_id']},{r['reference']},{r['amount']},SUCCESS")
            if r["status"] == "returned":
                lines.append(f"{day},{r['external_id']},{r['reference']},{r['amount']},RETURNED")
        return "\n".join(lines) + "\n"


def mt940_statement(day: str, rows: list[dict[str, Any]]) -> str:
    """A minimal MT940: one :61: line per payment (D) and per return (C)."""
    date = dt.date.fromisoformat(day).strftime("%y%m%d")
    out = [":20:BEKALSIM", ":25:SIMULASI/0001", ":28C:1/1", f":60F:C{date}IDR0,00"]
    total = 0
    for r in rows:
        out.append(f":61:{date}{date[2:]}D{r['amount']},00NTRF{r['external_id']}//{r['reference']}")
        out.append(":86:PAYOUT")
        total -= r["amount"]
        if r["status"] == "returned":
            out.append(
                f":61:{date}{date[2:]}C{r['amount']},00NRTI{r['external_id']}//{r['reference']}"
            )
            out.append(":86:RETURNED")
            total += r["amount"]
    mark = "C" if total >= 0 else "D"
    out.append(f":62F:{mark}{date}IDR{abs(total)},00")
    return "\r\n".join(out) + "\r\n"


def make_handler(sim: Simulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes: without this, Nagle's algorithm and the
        # client's delayed ACK hold each answer for 40 ms.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def _reply(self, status: int, payload: Any, content_type: str = "application/json") -> None:
            body = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(url.query))
            if url.path == "/snap/v1.0/statement":
                text = sim.statement(query.get("date", ""), query.get("format", "csv"))
                self._reply(200, text, "text/plain; charset=utf-8")
            elif url.path == "/_sim/transfers":
                with sim.lock:
                    data = {
                        "transfers": list(sim.transfers.values()),
                        "submissions": sim.submissions,
                    }
                self._reply(200, data)
            else:
                self._reply(404, {"responseCode": "4040000"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                self._reply(400, {"responseCode": "4000001"})
                return
            path = urllib.parse.urlsplit(self.path).path
            if path == "/_sim/holders":
                with sim.lock:
                    sim.holders.update({str(k): str(v) for k, v in body.items()})
                self._reply(200, {"holders": len(sim.holders)})
            elif path == "/snap/v1.0/account-inquiry-external":
                self._reply(*sim.inquiry(body))
            elif path == "/snap/v1.0/transfer/status":
                self._reply(*sim.status(body))
            elif path == "/snap/v1.0/transfer-interbank":
                status, payload, how = sim.transfer(body)
                if how == "drop":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if how == "slow":
                    time.sleep(sim.slow)
                with contextlib.suppress(OSError):  # the client gave up waiting
                    self._reply(status, payload)
            else:
                self._reply(404, {"responseCode": "4040000"})

    return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--callback-url", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--delay", type=float, default=0.2, help="seconds to settle a transfer")
    parser.add_argument("--late-seconds", type=float, default=5.0)
    parser.add_argument("--slow-seconds", type=float, default=3.0)
    args = parser.parse_args(argv)
    sim = Simulator(
        callback_url=args.callback_url,
        secret=args.secret,
        delay=args.delay,
        late=args.late_seconds,
        slow=args.slow_seconds,
    )
    server = ThreadingHTTPServer((args.host, args.port), make_handler(sim))
    server.daemon_threads = True
    print(f"simulated payment provider on http://{args.host}:{server.server_port}", flush=True)
    server.serve_forever()
