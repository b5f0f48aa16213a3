"""The committed OpenAPI document is the served one and every endpoint in it demands a
signature (schemathesis runs against it in tests/api/test_conformance.py)."""

from __future__ import annotations

import json
from typing import get_args

import httpx
import pytest
from django.core.management import call_command

from bekal.api.management.commands.export_partner_openapi import Command as ExportCommand
from bekal.api.partners.v1.openapi import DOCUMENT_PATH
from bekal.api.partners.v1.schemas import CourseStatus, VoucherStatus
from bekal.marketplace.models import Course, Purchase
from tests.api.client import PREFIX
from tests.api.partners import error_of

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


def test_the_documented_states_are_the_models_states():
    assert list(get_args(CourseStatus)) == Course.Status.values
    assert list(get_args(VoucherStatus)) == Purchase.Status.values
