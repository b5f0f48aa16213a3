"""The HTTP registry client against a stub registry: protocol, retries, timeout, breaker."""

from __future__ import annotations

import datetime as dt
import socket

import pytest

from bekal.identity.registry import Citizenship, HttpRegistry, Outcome, get_registry
from bekal.identity.registry.breaker import CircuitBreaker
from tests.identity.registry_stub import Reply, StubRegistry

NIK = "1771015508950001"
BORN = dt.date(1995, 8, 15)


@pytest.fixture
def stub():
    server = StubRegistry().start()
    yield server
    server.stop()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def client(url: str, **options) -> HttpRegistry:
    options.setdefault("sleep", lambda seconds: None)
    return HttpRegistry(base_url=url, api_key="rahasia", timeout=2, **options)


def verify(registry: HttpRegistry, name: str = "Siti Aminah"):
    return registry.verify(nik=NIK, full_name=name, birth_date=BORN)


def test_it_asks_with_the_api_key_and_the_json_of_the_protocol(stub):
    answer = verify(client(stub.url))

    assert answer.outcome is Outcome.MATCH
    [request] = stub.requests
    assert request.path == "/v1/verify"
    assert request.headers["X-API-Key"] == "rahasia"
    assert request.body == {"nik": NIK, "full_name": "Siti Aminah", "birth_date": "1995-08-15"}


def test_a_base_url_with_a_path_keeps_its_path(stub):
    verify(client(stub.url + "/dukcapil/"))

    assert stub.requests[0].path == "/dukcapil/v1/verify"


@pytest.mark.parametrize(
    ("body", "outcome", "fields"),
    [
        ({"result": "mismatch", "fields": ["full_name"]}, Outcome.MISMATCH, ("full_name",)),
        (
            {"result": "mismatch", "fields": ["full_name", "birth_date"]},
            Outcome.MISMATCH,
            ("full_name", "birth_date"),
        ),
        ({"result": "not_found"}, Outcome.NOT_FOUND, ()),
        ({"result": "match"}, Outcome.UNAVAILABLE, ()),
        ({"result": "match", "citizenship": "Mars"}, Outcome.UNAVAILABLE, ()),
        ({"result": "maybe"}, Outcome.UNAVAILABLE, ()),
        ({"result": "mismatch", "fields": ["shoe_size"]}, Outcome.UNAVAILABLE, ()),
        ("<html>Gateway</html>", Outcome.UNAVAILABLE, ()),
    ],
)
def test_the_registrys_answers_are_read_and_anything_else_is_unavailable(
    stub, body, outcome, fields
):
    stub.answer(body)

    answer = verify(client(stub.url))

    assert answer.outcome is outcome
    assert answer.mismatched_fields == fields


@pytest.mark.parametrize(
    ("sent", "citizenship"),
    [("WNI", Citizenship.WNI), ("WNA", Citizenship.FOREIGN_RESIDENT)],
)
def test_a_match_carries_the_holders_citizenship(stub, sent, citizenship):
    stub.answer({"result": "match", "citizenship": sent})

    answer = verify(client(stub.url))

    assert answer.outcome is Outcome.MATCH
    assert answer.citizenship is citizenship


def test_a_5xx_answer_is_retried_with_exponential_backoff_until_it_succeeds(stub):
    waits: list[float] = []
    stub.then(Reply(status=503), Reply(status=502))

    answer = verify(client(stub.url, max_attempts=3, backoff=0.25, sleep=waits.append))

    assert answer.outcome is Outcome.MATCH
    assert len(stub.requests) == 3
    assert waits == [0.25, 0.5]
    # One verification, one request id for all its tries.
    assert len({r.headers["X-Request-ID"] for r in stub.requests}) == 1


def test_retries_are_bounded_then_the_registry_is_unavailable(stub):
    stub.answer(status=500)

    answer = verify(client(stub.url, max_attempts=3))

    assert answer.outcome is Outcome.UNAVAILABLE
    assert len(stub.requests) == 3


def test_a_connection_refused_is_retried_then_unavailable():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    waits: list[float] = []

    answer = verify(client(f"http://127.0.0.1:{port}", max_attempts=3, sleep=waits.append))

    assert answer.outcome is Outcome.UNAVAILABLE
    assert "connection" in answer.detail
    assert len(waits) == 2


def test_a_registry_slower_than_the_timeout_is_unavailable_and_not_asked_again_at_once(stub):
    stub.hang()

    answer = HttpRegistry(base_url=stub.url, api_key="k", timeout=0.2).verify(
        nik=NIK, full_name="Siti", birth_date=BORN
    )

    assert answer.outcome is Outcome.UNAVAILABLE
    assert "timed out" in answer.detail
    assert len(stub.requests) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 429])
def test_a_refusal_of_the_request_is_unavailable_and_not_retried(stub, status):
    stub.answer(status=status)

    answer = verify(client(stub.url, max_attempts=3))

    assert answer.outcome is Outcome.UNAVAILABLE
    assert len(stub.requests) == 1


def test_the_circuit_opens_after_repeated_failures_and_answers_without_calling(stub):
    stub.answer(status=503)
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=2, cool_down=30, clock=clock)
    registry = client(stub.url, max_attempts=1, breaker=breaker)
    verify(registry)
    verify(registry)
    calls_before = len(stub.requests)

    answer = verify(registry)

    assert answer.outcome is Outcome.UNAVAILABLE
    assert "circuit open" in answer.detail
    assert len(stub.requests) == calls_before == 2


def test_after_the_cool_down_one_trial_call_closes_the_circuit_when_it_succeeds(stub):
    stub.answer(status=503)
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=2, cool_down=30, clock=clock)
    registry = client(stub.url, max_attempts=1, breaker=breaker)
    verify(registry)
    verify(registry)
    stub.answer({"result": "match", "citizenship": "WNI"})
    clock.now += 31

    first, second = verify(registry), verify(registry)

    assert (first.outcome, second.outcome) == (Outcome.MATCH, Outcome.MATCH)
    assert len(stub.requests) == 4


def test_a_failed_trial_call_opens_the_circuit_for_another_cool_down(stub):
    stub.answer(status=503)
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=2, cool_down=30, clock=clock)
    registry = client(stub.url, max_attempts=1, breaker=breaker)
    verify(registry)
    verify(registry)
    clock.now += 31
    verify(registry)  # the trial, refused by the registry
    stub.answer({"result": "match", "citizenship": "WNI"})

    answer = verify(registry)

    assert answer.outcome is Outcome.UNAVAILABLE
    assert len(stub.requests) == 3


def test_an_answer_about_the_citizen_resets_the_failure_count(stub):
    breaker = CircuitBreaker(failure_threshold=2, cool_down=30, clock=FakeClock())
    registry = client(stub.url, max_attempts=1, breaker=breaker)
    stub.then(Reply(status=503), Reply(body={"result": "not_found"}), Reply(status=503))

    answers = [verify(registry).outcome for _ in range(4)]

    assert answers == [Outcome.UNAVAILABLE, Outcome.NOT_FOUND, Outcome.UNAVAILABLE, Outcome.MATCH]
    assert len(stub.requests) == 4


def test_get_registry_is_the_http_client_when_a_registry_url_is_set(settings, stub):
    settings.BEKAL_REGISTRY_URL = stub.url

    registry = get_registry()

    assert isinstance(registry, HttpRegistry)
    assert registry is get_registry()  # one per process: one breaker, one connection pool
