"""One SMTP connection per worker thread, reused across the emails it sends.

Opening an SMTP connection (TCP, greeting, EHLO, STARTTLS, AUTH) costs more than sending
a confirmation email over it: a worker that opened one per job delivered about 70
emails a second. A worker thread keeps its connection open between jobs and sends up
to BEKAL_SMTP_MESSAGES_PER_CONNECTION emails over it; one idle longer than
BEKAL_SMTP_IDLE_SECONDS is closed first (servers drop idle connections), and one that
fails is closed so that the next email opens a fresh one.

Only Django's SMTP backend is kept open: the other backends (the console, files, the
tests' memory) are used one email at a time, as Django does by default.
"""

from __future__ import annotations

import contextlib
import smtplib
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend

_local = threading.local()
#: Every connection kept by any thread, to close them all when the worker stops.
_kept: set[BaseEmailBackend] = set()
_kept_lock = threading.Lock()


def _settings_key() -> tuple[Any, ...]:
    return (
        settings.EMAIL_BACKEND,
        settings.EMAIL_HOST,
        settings.EMAIL_PORT,
        settings.EMAIL_HOST_USER,
        settings.EMAIL_USE_TLS,
    )


def close() -> None:
    """Close this thread's connection, if it has one."""
    backend = getattr(_local, "backend", None)
    _local.backend = None
    if backend is not None:
        _close(backend)


def close_all() -> None:
    """Close every thread's kept connection (the worker stops; a test ends)."""
    with _kept_lock:
        backends = list(_kept)
    for backend in backends:
        _close(backend)


def _close(backend: BaseEmailBackend) -> None:
    with _kept_lock:
        _kept.discard(backend)
    with contextlib.suppress(smtplib.SMTPException, OSError):
        backend.close()  # a dead connection closes quietly


def _connection() -> BaseEmailBackend:
    now = time.monotonic()
    backend = getattr(_local, "backend", None)
    if backend is not None and (
        getattr(backend, "connection", None) is None  # closed by close_all()
        or _local.key != _settings_key()
        or _local.sent >= settings.BEKAL_SMTP_MESSAGES_PER_CONNECTION
        or now - _local.used_at > settings.BEKAL_SMTP_IDLE_SECONDS
    ):
        close()
        backend = None
    if backend is None:
        fresh: BaseEmailBackend = get_connection(fail_silently=False)
        if not isinstance(fresh, SmtpBackend) or settings.BEKAL_SMTP_MESSAGES_PER_CONNECTION <= 1:
            return fresh  # opened and closed by the send itself
        fresh.open()
        with _kept_lock:
            _kept.add(fresh)
        _local.backend, _local.key, _local.sent = fresh, _settings_key(), 0
        backend = fresh
    _local.used_at = now
    return backend


def send(build: Callable[[BaseEmailBackend], Any]) -> None:
    """Send the email `build(connection)` returns (an EmailMessage) over this thread's
    connection. Raises as EmailMessage.send() does; the connection is then closed."""
    for attempt in range(2):
        connection = _connection()
        kept = connection is getattr(_local, "backend", None)
        try:
            build(connection).send(fail_silently=False)
        except smtplib.SMTPServerDisconnected:
            close()
            if attempt or not kept:
                raise
            continue  # the server had dropped the kept connection: once more on a new one
        except BaseException:
            if kept:
                close()
            raise
        if kept:
            _local.sent += 1
        return
