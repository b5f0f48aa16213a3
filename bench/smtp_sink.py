"""A real SMTP server on loopback that keeps what it receives (aiosmtpd), for the email
tests and the delivery benchmark. It counts connections (one EHLO or HELO each) and can
drop every open connection, as a server does with idle ones."""

from __future__ import annotations

import socket
import threading
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


class _Keeper:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.connections = 0

    async def handle_HELO(self, server: Any, session: Any, envelope: Any, hostname: str) -> str:
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Controller(Controller):
    def __init__(self, handler: _Keeper) -> None:
        super().__init__(handler, hostname="127.0.0.1", port=_free_port())
        self.sessions: list[SMTP] = []

    def factory(self) -> SMTP:
        smtp = super().factory()
        self.sessions.append(smtp)
        return smtp


class SmtpSink:
    """Start with .start(); read .messages and .connections; .drop_connections(); .stop()."""

    def __init__(self) -> None:
        self._keeper = _Keeper()
        self._controller = _Controller(self._keeper)

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    @property
    def port(self) -> int:
        return int(self._controller.port)

    @property
    def messages(self) -> list[tuple[str, list[str], bytes]]:
        with self._keeper.lock:
            return list(self._keeper.messages)

    @property
    def connections(self) -> int:
        with self._keeper.lock:
            return self._keeper.connections

    def drop_connections(self) -> None:
        """Close every open connection from the server's side."""
        loop = self._controller.loop
        for smtp in self._controller.sessions:
            transport = getattr(smtp, "transport", None)
            if transport is not None:
                loop.call_soon_threadsafe(transport.close)

    def stop(self) -> None:
        self._controller.stop()
