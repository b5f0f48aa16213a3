"""Schemathesis run against the committed OpenAPI document, the way `st run` runs it:
every phase (examples, coverage, fuzzing, stateful), positive and negative data, every
check. Each request is signed as the guide says, with a fresh nonce; a write keeps the
Idempotency-Key schemathesis drew when it is one the document allows (replaced by a fresh
one, so that unrelated writes do not collide), and keeps a missing or malformed one as it
is (the negative case)."""

from __future__ import annotations

import re
import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import requests
import schemathesis
from schemathesis import hooks
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema

from bekal.api.partners.v1.openapi import DOCUMENT_PATH
from tests.api.client import signature

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
VALID_IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,100}")


#: The signing headers schemathesis is given as the run's credentials. A request that
#: still carries all four as given is signed on its way out; one where schemathesis
#: dropped or changed any (its checks of missing and ignored authentication) is sent as
#: it is, and must be refused.
UNSIGNED_TIMESTAMP = "0"
UNSIGNED_NONCE = "to-be-signed-on-the-way-out"
UNSIGNED_SIGNATURE = "0" * 64


def credential_headers(key_id: str) -> dict[str, str]:
    return {
        "X-Bekal-Key": key_id,
        "X-Bekal-Timestamp": UNSIGNED_TIMESTAMP,
        "X-Bekal-Nonce": UNSIGNED_NONCE,
        "X-Bekal-Signature": UNSIGNED_SIGNATURE,
    }


class SignEachRequest(requests.auth.AuthBase):
    """Signs the request as it goes on the wire: its method, raw path and query, body."""

    def __init__(self, key_id: str, secret: str) -> None:
        self.key_id, self.secret = key_id, secret

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        as_given = credential_headers(self.key_id)
        if any(request.headers.get(name) != value for name, value in as_given.items()):
            return request
        body = request.body or b""
        body = body.encode() if isinstance(body, str) else body
        method = (request.method or "GET").upper()
        key = request.headers.get("Idempotency-Key")
        if method in WRITES and key is not None and VALID_IDEMPOTENCY_KEY.fullmatch(key):
            request.headers["Idempotency-Key"] = str(uuid.uuid4())
        timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
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


@dataclass
class Outcome:
    """What the run found: each failed check, and how many requests each operation got."""

    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    checks: dict[str, int] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)
    operations: set[str] = field(default_factory=set)
    phases: dict[str, float] = field(default_factory=dict)


def run_schemathesis(
    *, base_url: str, key_id: str, secret: str, max_examples: int, seed: int = 1
) -> Outcome:
    config = SchemathesisConfig.from_dict(
        {
            "seed": seed,
            "base-url": base_url,
            "headers": credential_headers(key_id),
            "workers": 1,
            "generation": {"mode": "all", "max-examples": max_examples, "database": "none"},
            "checks": {"enabled": True},
            "phases": {"stateful": {"max-steps": 20}},
        }
    )
    schema = schemathesis.openapi.from_path(str(DOCUMENT_PATH), config=config)
    sign = SignEachRequest(key_id, secret)

    def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
        kwargs["auth"] = sign

    schemathesis.hook(before_call)
    outcome = Outcome()
    try:
        for event in from_schema(schema).execute():
            if isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
                recorder = event.recorder
                phase = str(getattr(event, "phase", "fuzzing"))
                outcome.phases[phase] = outcome.phases.get(phase, 0) + event.elapsed_time
                for interaction in recorder.interactions.values():
                    if interaction.response is not None:
                        status = interaction.response.status_code
                        outcome.statuses[status] = outcome.statuses.get(status, 0) + 1
                for node in recorder.cases.values():
                    outcome.operations.add(node.value.operation.label)
                for case_id, nodes in recorder.checks.items():
                    for node in nodes:
                        outcome.checks[node.name] = outcome.checks.get(node.name, 0) + 1
                        if node.failure_info is not None:
                            case = recorder.cases[case_id].value
                            failure = node.failure_info.failure
                            outcome.failures.append(
                                f"{node.name}: {case.method} {case.formatted_path} "
                                f"{failure.title}: {failure.message}\n"
                                f"{node.failure_info.code_sample}"
                            )
            elif isinstance(event, events.NonFatalError | events.FatalError):
                outcome.errors.append(repr(event))
    finally:
        hooks.unregister(before_call)
    return outcome
