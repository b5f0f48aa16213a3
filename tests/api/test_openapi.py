"""The committed OpenAPI document is the served one, every endpoint in it demands a
signature, and fuzzing every endpoint with signed requests finds no server error."""

from __future__ import annotations

import collections
import json
import time
import uuid
from typing import get_args

import httpx
import pytest
import requests
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from bekal.api.management.commands.export_partner_openapi import Command as ExportCommand
from bekal.api.partners.v1.openapi import DOCUMENT_PATH
from bekal.api.partners.v1.schemas import CourseStatus, VoucherStatus
from bekal.marketplace.models import Course, Purchase
from tests.api.client import PREFIX, signature
from tests.api.partners import error_of, voucher

pytestmark = pytest.mark.django_db(transaction=True)

REGENERATE = ".venv/bin/python manage.py export_partner_openapi"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def committed() -> dict:
    return json.loads(DOCUMENT_PATH.read_text(encoding="utf-8"))


def test_the_committed_document_is_the_served_one(live_server):
    served = httpx.get(f"{live_server.url}{PREFIX}/openapi.json").json()
    assert served == committed(), (
        f"docs/api/partners-v1.openapi.json is out of date; regenerate it with `{REGENERATE}`"
    )


def test_the_export_command_writes_the_committed_form(tmp_path):
    output = tmp_path / "openapi.json"
    call_command(ExportCommand(), output=output)
    assert output.read_text(encoding="utf-8") == DOCUMENT_PATH.read_text(encoding="utf-8")


def test_every_operation_is_signed_and_every_write_takes_an_idempotency_key():
    for path, operations in committed()["paths"].items():
        for method, operation in operations.items():
            [requirement] = operation["security"]
            assert set(requirement) == {
                "BekalKey",
                "BekalTimestamp",
                "BekalNonce",
                "BekalSignature",
            }, f"{method} {path}"
            headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            assert ("Idempotency-Key" in headers) == (method.upper() in WRITES), f"{method} {path}"


def test_every_operation_refuses_an_unsigned_request(live_server):
    for path, operations in committed()["paths"].items():
        url = live_server.url + path.replace("{external_id}", "x").replace(
            "{code}", "AAAA-BBBB-CCCC"
        )
        for method in operations:
            response = httpx.request(method.upper(), url)
            assert response.status_code == 401, f"{method} {path}"
            assert error_of(response)["code"] == "signature_required"


class SignedSession(requests.auth.AuthBase):
    """Signs each request schemathesis sends, with a fresh nonce and Idempotency-Key."""

    def __init__(self, key_id: str, secret: str) -> None:
        self.key_id, self.secret = key_id, secret

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        body = request.body or b""
        body = body.encode() if isinstance(body, str) else body
        method = (request.method or "GET").upper()
        if method in WRITES:
            request.headers["Idempotency-Key"] = str(uuid.uuid4())
        timestamp, nonce = str(int(time.time())), uuid.uuid4().hex
        request.headers["X-Bekal-Key"] = self.key_id
        request.headers["X-Bekal-Timestamp"] = timestamp
        request.headers["X-Bekal-Nonce"] = nonce
        request.headers["X-Bekal-Signature"] = signature(
            secret=self.secret,
            method=method,
            path_with_query=request.path_url,
            timestamp=timestamp,
            nonce=nonce,
            body=body,
        )
        return request


@pytest.mark.slow
def test_fuzzing_every_operation_with_signed_requests_finds_no_server_error(
    partner, live_server, settings
):
    # given a platform with a voucher, signing every request, with no request limit
    settings.BEKAL_PARTNER_API_REQUESTS_PER_MINUTE = 1_000_000
    voucher(partner.platform)
    schema = schemathesis.openapi.from_path(str(DOCUMENT_PATH))
    session = requests.Session()
    session.auth = SignedSession(partner.credential.key_id, partner.secret)
    statuses: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)

    # when schemathesis sends valid and invalid input to every operation
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @hypothesis_settings(
                max_examples=12,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def fuzz(case):
                response = case.call(base_url=live_server.url, session=session)
                statuses[case.operation.label][response.status_code] += 1
                # then no input makes a server error
                case.validate_response(response, checks=[not_a_server_error])

            fuzz()

    # and the requests really reached the endpoints: signed, not refused at the door
    assert len(statuses) == 14
    for label, counted in statuses.items():
        passed = sum(n for status, n in counted.items() if status != 401)
        assert passed >= counted[401], f"{label}: {dict(counted)}"


def test_the_documented_states_are_the_models_states():
    assert list(get_args(CourseStatus)) == Course.Status.values
    assert list(get_args(VoucherStatus)) == Purchase.Status.values
