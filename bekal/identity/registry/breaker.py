"""A circuit breaker: stop calling a service that keeps failing, try again after a pause.

closed     calls go through; consecutive failures are counted, a success resets them.
open       after `failure_threshold` consecutive failures: calls are refused at once for
           `cool_down` seconds, so a registry that is down is not hammered by every job
           and jobs do not each wait for a timeout.
half-open  after the cool-down, one trial call goes through; its success closes the
           circuit, its failure opens it again for another cool-down.

The state lives in the memory of one process (one worker or web process): each process
learns on its own that the registry is down, after `failure_threshold` failed calls. That
is cheap and good enough: with W worker processes the registry sees at most
W x failure_threshold calls per cool-down while it is down. Thread-safe.
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable


class State(enum.StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    def __init__(
        self,
        *,
        failure_threshold: int = 5,
        cool_down: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        self.failure_threshold = failure_threshold
        self.cool_down = cool_down
        self._clock = clock
        self._lock = threading.Lock()
        self._state = State.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._trial_running = False

    @property
    def state(self) -> State:
        with self._lock:
            if self._state is State.OPEN and self._cooled_down():
                return State.HALF_OPEN
            return self._state

    def _cooled_down(self) -> bool:
        return self._clock() - self._opened_at >= self.cool_down

    def allow(self) -> bool:
        """Whether a call may go out now (in half-open, only the one trial call)."""
        with self._lock:
            if self._state is State.CLOSED:
                return True
            if self._state is State.OPEN:
                if not self._cooled_down():
                    return False
                self._state = State.HALF_OPEN
                self._trial_running = False
            if self._trial_running:
                return False
            self._trial_running = True
            return True

    def record_success(self) -> None:
        with self._lock:
            self._state = State.CLOSED
            self._failures = 0
            self._trial_running = False

    def record_failure(self) -> None:
        with self._lock:
            self._trial_running = False
            if self._state is State.HALF_OPEN:
                self._open()
                return
            self._failures += 1
            if self._failures >= self.failure_threshold:
                self._open()

    def _open(self) -> None:
        self._state = State.OPEN
        self._opened_at = self._clock()
        self._failures = 0
