"""The partner API does what its OpenAPI document says, both ways: what the document
refuses, Bekal refuses (422 invalid_request); what it allows is not refused as malformed;
every status Bekal answers is documented; an address's methods are what the document
lists (405 for the others, whatever else the request lacks); the signature covers the
path as it was sent. And schemathesis, run on the committed document with every check,
finds nothing."""

from __future__ import annotations

import json
from typing import Any

import httpx
import jsonschema_rs
import pytest

from bekal.api.partners.v1.openapi import DOCUMENT_PATH
from bekal.marketplace.models import Course, Provider
from tests.api.client import PREFIX, SigningClient
from tests.api.conformance import run_schemathesis
from tests.api.partners import error_of, voucher
from tests.marketplace import factories

pytestmark = pytest.mark.django_db(transaction=True)


def document() -> dict[str, Any]:
    return json.loads(DOCUMENT_PATH.read_text(encoding="utf-8"))


def operation(method: str, path: str) -> dict[str, Any]:
    return document()["paths"][PREFIX + path][method.lower()]


def document_allows(method: str, path: str, body: Any) -> bool:
    """Whether the committed document allows `body` for the operation."""
    [media] = operation(method, path)["requestBody"]["content"].values()
    schema = {**media["schema"], "components": document()["components"]}
    return jsonschema_rs.Draft202012Validator(schema).is_valid(body)


# --- 405: an address takes the methods the document lists, and no other -----------------


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/me", "GET"),
        ("PUT", "/vouchers", "GET"),
        ("PUT", "/vouchers/AAAA-BBBB-CCCC", "GET"),
        ("DELETE", "/providers", "GET, POST"),
        ("PUT", "/courses/kursus-1", "GET, PATCH"),
        ("POST", "/me", "GET"),
    ],
)
def test_a_method_the_address_does_not_take_is_405_even_without_an_idempotency_key(
    partner, method, path, allowed
):
    # given the document does not list the method at the address
    assert (
        method.lower()
        not in document()["paths"][
            PREFIX + path.replace("AAAA-BBBB-CCCC", "{code}").replace("kursus-1", "{external_id}")
        ]
    )
    # when the platform sends it, signed, as a write without an Idempotency-Key
    response = partner.api.request(method, path, idempotency_key=None)
    # then the method is refused, not the missing key
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert response.headers["Allow"] == allowed


def test_a_write_the_address_takes_still_needs_its_idempotency_key(partner):
    response = partner.api.post(
        "/providers", json={"external_id": "lp-1", "name": "Lembaga Satu"}, idempotency_key=None
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "idempotency_key_required"


# --- bodies: what the document allows is what Bekal accepts ------------------------------

WITHDRAW = "/courses/{external_id}/withdraw"
CANCEL = "/courses/{external_id}/sessions/{session_external_id}/cancel"
REFUSED_BODIES = [
    ("POST", "/providers", {"external_id": "lp-1", "name": ""}, "name"),
    ("POST", "/providers", {"external_id": "lp-1", "name": " \u3000 "}, "name"),
    ("POST", "/providers", {"external_id": "lp-1", "name": "Satu", "alamat": "Jl. A"}, "alamat"),
    ("POST", WITHDRAW, {"note": ""}, "note"),
    ("POST", WITHDRAW, {"note": "\n"}, "note"),
    ("POST", CANCEL, {"reason": "\n"}, "reason"),
    ("POST", CANCEL, {"reason": "Batal", "catatan": "x"}, "catatan"),
]


@pytest.mark.parametrize(("method", "path", "body", "field"), REFUSED_BODIES)
def test_a_body_bekal_refuses_is_one_the_document_refuses(partner, method, path, body, field):
    # given a published course with a session, of the platform
    course = factories.course(on=partner.platform)
    session = course.sessions.get()
    address = path.format(external_id=course.external_id, session_external_id=session.external_id)
    providers = list(Provider.objects.filter(platform=partner.platform))
    # when the platform sends a blank text, or a property the document does not name
    response = partner.api.request(method, address, json_body=body)
    # then Bekal refuses it as malformed, naming the field, and so does the document
    assert response.status_code == 422
    error = error_of(response)
    assert (error["code"], error["field"]) == ("invalid_request", field)
    assert not document_allows(method, path, body)
    # and nothing changed
    assert list(Provider.objects.filter(platform=partner.platform)) == providers
    course.refresh_from_db()
    session.refresh_from_db()
    assert (course.status, session.is_cancelled) == (Course.Status.APPROVED, False)


def test_a_body_the_document_allows_is_accepted(partner):
    # given a name with white space around it, which the document allows
    body = {"external_id": "lp-1", "name": "  Lembaga Pelatihan Satu \n"}
    assert document_allows("POST", "/providers", body)
    # when the platform registers the provider
    response = partner.api.post("/providers", json=body)
    # then it is registered, under the name trimmed
    assert response.status_code == 201
    assert response.json()["name"] == "Lembaga Pelatihan Satu"


def test_a_course_of_an_unknown_provider_is_a_documented_404(partner):
    # given no provider lp-none on the platform
    body = {
        "external_id": "kursus-1",
        "provider_external_id": "lp-none",
        "title": "Microsoft Excel untuk Kantor",
        "description": "Rumus dan tabel pivot.",
        "category": "office",
        "level": "beginner",
        "format": "self_paced",
        "price": 300_000,
        "duration_minutes": 120,
    }
    assert document_allows("POST", "/courses", body)
    # when the platform submits a course of it
    response = partner.api.post("/courses", json=body)
    # then it is told the provider is not found, with a status the document lists
    assert response.status_code == 404
    assert error_of(response) == {**error_of(response), "code": "provider_not_found"}
    assert "404" in operation("POST", "/courses")["responses"]
    assert not Course.objects.filter(platform=partner.platform).exists()


# --- the signature covers the path as sent -----------------------------------------------


def test_a_percent_encoded_path_is_signed_as_sent(partner, gunicorn_url):
    # given a course kursus-1 and a platform whose client percent-encodes its path
    # (%2D is "-"), calling Bekal served by gunicorn
    course = factories.course(on=partner.platform)
    encoded = "/courses/" + course.external_id.replace("-", "%2D")
    assert encoded != f"/courses/{course.external_id}"
    api = SigningClient(gunicorn_url, key_id=partner.credential.key_id, secret=partner.secret)
    try:
        # when it signs the path as it sends it
        response = api.get(encoded)
        # then Bekal checks the signature over that path and answers
        assert response.status_code == 200, response.text
        assert response.json()["external_id"] == course.external_id
        # and a signature over the decoded path, not what was sent, does not match
        request = api.build("GET", f"/courses/{course.external_id}")
        sent = api.http.build_request("GET", encoded, headers=dict(request.headers))
        refused = api.http.send(sent)
        assert refused.status_code == 401
        assert error_of(refused)["code"] == "invalid_signature"
    finally:
        api.close()


# --- schemathesis ------------------------------------------------------------------------


@pytest.mark.slow
def test_schemathesis_finds_no_difference_between_the_api_and_its_document(
    partner, live_server, settings
):
    # given a platform with a voucher, and no request limit for the run
    settings.BEKAL_PARTNER_API_REQUESTS_PER_MINUTE = 1_000_000
    settings.BEKAL_PARTNER_API_ADDRESS_FAILURES_PER_MINUTE = 1_000_000
    voucher(partner.platform)
    # when schemathesis runs every phase (examples, coverage, fuzzing, stateful) with
    # valid and invalid data and every check, signing each request with a fresh nonce
    outcome = run_schemathesis(
        base_url=live_server.url,
        key_id=partner.credential.key_id,
        secret=partner.secret,
        max_examples=10,
    )
    # then no check fails, and nothing went wrong in the run
    assert outcome.failures == [], "\n\n".join(outcome.failures)
    assert outcome.errors == []
    # and every operation was called, in every phase, and well-signed requests got in
    assert len(outcome.operations) == len([m for ops in document()["paths"].values() for m in ops])
    assert {"coverage", "fuzzing", "stateful"} <= set(outcome.phases)
    assert outcome.checks.keys() >= {
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "positive_data_acceptance",
        "missing_required_header",
        "unsupported_method",
        "ignored_auth",
        "use_after_free",
        "ensure_resource_availability",
    }
    assert outcome.statuses.get(200, 0) + outcome.statuses.get(201, 0) > 0
    assert outcome.statuses.get(405, 0) > 0


def test_an_unsigned_request_is_still_refused_first_on_a_method_the_address_takes(live_server):
    response = httpx.post(f"{live_server.url}{PREFIX}/providers", json={})
    assert response.status_code == 401
    assert error_of(response)["code"] == "signature_required"
