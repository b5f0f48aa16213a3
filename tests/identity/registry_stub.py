"""A stand-in for the population registry's HTTP API (docs/registry.md), on 127.0.0.1.

The registry is outside Bekal: tests talk to this stub through the production client
(HttpRegistry). It records every request and answers as told: a JSON answer, an HTTP
error, or a hang until released (a registry that does not answer).
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MATCH = {"result": "match", "citizenship": "WNI"}


@dataclass
class Reply:
    status: int = 200
    body: Any = field(default_factory=lambda: dict(MATCH))
    #: Hang (until the stub is released or stopped) instead of answering.
    hang: bool = False


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: Any


class StubRegistry:
    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.default = Reply()
        self._queued: deque[Reply] = deque()
        self._lock = threading.Lock()
        self.request_arrived = threading.Event()
        self.release = threading.Event()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = raw.decode(errors="replace")
                reply = stub._record(Received(self.path, dict(self.headers), body))
                if reply.hang:
                    stub.release.wait(timeout=60)
                payload = (
                    reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
                ).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the client gave up (timed out, or was killed)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def _record(self, received: Received) -> Reply:
        with self._lock:
            self.requests.append(received)
            reply = self._queued.popleft() if self._queued else self.default
        self.request_arrived.set()
        return reply

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def answer(self, body: Any = None, *, status: int = 200) -> None:
        """Answer every request from now on like this."""
        self.default = Reply(status=status, body=MATCH if body is None else body)

    def then(self, *replies: Reply) -> None:
        """Answer the next requests with these, in order, then as by default."""
        with self._lock:
            self._queued.extend(replies)

    def hang(self) -> None:
        self.default = Reply(hang=True)

    def start(self) -> StubRegistry:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
