"""A throwaway database for one benchmark run, on the server of DATABASE_URL or on the
embedded PostgreSQL: created before the run, dropped after it (unless kept)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlparse, urlunparse


def with_database(url: str, name: str) -> str:
    """`url` pointing at the database `name` of the same server."""
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


@dataclass(frozen=True)
class BenchDatabase:
    name: str
    #: The benchmark's own database.
    url: str
    #: The server's maintenance database, for CREATE/DROP DATABASE and server questions.
    admin_url: str

    def settings_env(self, **extra: str) -> dict[str, str]:
        """The environment of Bekal's production settings on this database, fresh keys."""
        return {
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "DATABASE_URL": self.url,
            "SECRET_KEY": "bench-secret-key-" + uuid.uuid4().hex,
            "PII_KEYS": "bench-pii-key-" + uuid.uuid4().hex,
            "BLIND_INDEX_KEY": "bench-blind-index-" + uuid.uuid4().hex,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DEBUG": "false",
            **extra,
        }


@contextmanager
def bench_database(kind: str, *, keep: bool = False) -> Iterator[BenchDatabase]:
    """A new database `bekal_bench_<kind>_<pid>`, dropped on the way out unless `keep`."""
    import psycopg

    from config import database

    server_url = os.environ.get("DATABASE_URL") or database.start_embedded()
    name = f"bekal_bench_{kind}_{os.getpid()}"
    created = BenchDatabase(
        name=name,
        url=with_database(server_url, name),
        admin_url=with_database(server_url, "postgres"),
    )
    with psycopg.connect(created.admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield created
    finally:
        _close_django_connections()
        if keep:
            print(f"Kept the database {name}.")
        else:
            with psycopg.connect(created.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _close_django_connections() -> None:
    from django.apps import apps

    if apps.ready:
        from django.db import connections

        connections.close_all()
