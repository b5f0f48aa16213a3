"""The OpenAPI document of the partner API: what ninja generates from the endpoints,
completed with what runs around them (signing headers, Idempotency-Key, error bodies).

The committed copy (docs/api/partners-v1.openapi.json) is rewritten with
`manage.py export_partner_openapi`; a test fails when it differs from the served one.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from bekal.api.partners.v1.schemas import ErrorOut

DOCUMENT_PATH = Path(__file__).resolve().parents[4] / "docs" / "api" / "partners-v1.openapi.json"
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]{1,100}$"

DESCRIPTION = """\
The API through which training platforms submit providers, courses and sessions, read
the vouchers of their courses, redeem them and report completions.

Every request is signed with the credential's secret (HMAC-SHA256) over
`METHOD \\n PATH_WITH_QUERY \\n TIMESTAMP \\n NONCE \\n hex(sha256(body))`, sent in the
headers X-Bekal-Key, X-Bekal-Timestamp, X-Bekal-Nonce and X-Bekal-Signature. Every write
carries an Idempotency-Key. Errors are `{"error": {"code", "message", "field"}}` with a
stable code; messages are in Indonesian unless `Accept-Language: en`. The guide with
examples is docs/partners.md.
"""

SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "BekalKey": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Bekal-Key",
        "description": "The key id of the credential.",
    },
    "BekalTimestamp": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Bekal-Timestamp",
        "description": "Unix time in seconds; at most 300 seconds from Bekal's clock.",
    },
    "BekalNonce": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Bekal-Nonce",
        "description": "16 to 64 characters of [A-Za-z0-9_-], new for every request.",
    },
    "BekalSignature": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Bekal-Signature",
        "description": (
            "Lowercase hex HMAC-SHA256 with the secret over METHOD, PATH_WITH_QUERY, "
            "TIMESTAMP, NONCE and hex(sha256(body)), joined by newlines."
        ),
    },
}

IDEMPOTENCY_KEY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": True,
    "description": (
        "1 to 100 visible ASCII characters (a UUID will do). The same key with the same "
        "request returns the first response again (header Idempotent-Replay: true) and "
        "acts once; with another request it is refused (409 idempotency_key_reused)."
    ),
    "schema": {"type": "string", "pattern": IDEMPOTENCY_KEY_PATTERN},
}

ERRORS = {
    "400": "Idempotency-Key missing (idempotency_key_required) or body not JSON (invalid_json).",
    "401": (
        "signature_required, invalid_credentials, invalid_signature, "
        "timestamp_out_of_range or nonce_reused."
    ),
    "403": "The platform or client is not active (platform_inactive, not_a_platform).",
    "404": (
        "Not among the platform's records: the one in the path or one the body names "
        "(e.g. voucher_not_found, course_not_found, provider_not_found)."
    ),
    "409": (
        "Refused by a rule of the programme that this document cannot state (e.g. "
        "course_price_over_cap, session_invalid, completion_evidence_invalid) or in the "
        "record's state (e.g. voucher_already_redeemed), or idempotency_key_reused."
    ),
    "413": "The body is too large (request_too_large).",
    "422": "invalid_request: the request does not follow this document (error.field says where).",
    "429": "rate_limited: wait for the seconds in Retry-After.",
}
#: Operations whose body names another of the platform's records, by operation id.
NAMES_A_RECORD = frozenset({"submit_course"})


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
    }


def complete(schema: dict[str, Any]) -> dict[str, Any]:
    """The generated document with the signing headers, Idempotency-Key and the error
    responses of every operation."""
    document = copy.deepcopy(dict(schema))
    components = document.setdefault("components", {})
    components["securitySchemes"] = SECURITY_SCHEMES
    error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    components.setdefault("schemas", {}).update(error_schema.pop("$defs", {}))
    components["schemas"]["ErrorOut"] = error_schema
    every_scheme: dict[str, list[str]] = {name: [] for name in SECURITY_SCHEMES}
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            operation["security"] = [every_scheme]
            statuses = ["401", "403", "422", "429"]
            if method in WRITE_METHODS:
                operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY_PARAMETER)
                statuses += ["400", "409", "413"]
            if "{" in path or operation.get("operationId") in NAMES_A_RECORD:
                statuses.append("404")
            responses = {str(s): r for s, r in operation.get("responses", {}).items()}
            operation["responses"] = responses
            for status in statuses:
                responses.setdefault(status, _error_response(ERRORS[status]))
    return document


def render(document: dict[str, Any]) -> str:
    """The committed form: pretty-printed, keys sorted, ending with a newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
