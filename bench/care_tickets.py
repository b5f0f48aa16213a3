"""Care tickets at scale: the dashboards' figures per region, an officer's queue and the
escalation sweep, over N tickets spread over the 514 regencies/cities.

Creates a database of its own (dropped afterwards), migrates it, loads the regions,
inserts N open tickets with SQL (opened over the last 30 days, a third already answered,
deadlines a few days after opening), then times each read the pages and the worker make,
and opening tickets through the service (calendar arithmetic, encryption, audit).

    .venv/bin/python -m bench.care_tickets               # 200,000 tickets
    .venv/bin/python -m bench.care_tickets --tickets 1000000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.database import bench_database  # noqa: E402

INSERT = """
WITH regencies AS (SELECT array_agg(code ORDER BY code) AS codes FROM regions_regency)
INSERT INTO care_ticket (
    reference, idempotency_key, region_id, category, channel, status, subject_kind,
    subject_id, self_service_url, opened_at, first_response_target_seconds,
    resolution_target_seconds, first_response_warn_at, first_response_due_at,
    first_responded_at, first_response_working_seconds, update_target_seconds,
    update_round, resolution_used_seconds, clock_resumed_at, resolution_warn_at,
    resolution_due_at)
SELECT 'X' || lpad(n::text, 7, '0'), 'bench:' || n,
       codes[1 + (n * 7919) %% array_length(codes, 1)],
       'complaint', 'web', CASE WHEN n %% 3 = 0 THEN 'in_progress' ELSE 'new' END, '', '', '',
       opened, 118800, 198000, opened + interval '4 days', opened + interval '5 days',
       CASE WHEN n %% 3 = 0 THEN opened + interval '1 day' END,
       CASE WHEN n %% 3 = 0 THEN 3600 * (1 + n %% 30) END, 118800, 0, 0, opened,
       opened + interval '6 days', opened + interval '7 days'
FROM regencies, generate_series(1, %(count)s) AS n,
     LATERAL (SELECT now() - (n %% 43200) * interval '1 minute' AS opened) AS o
"""


def timed(label: str, action: Callable[[], Any], repeat: int = 3) -> Any:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    print(f"  {label:<52} {best * 1000:9.1f} ms")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=200_000)
    args = parser.parse_args()

    with bench_database("care") as db:
        os.environ.update(db.settings_env())
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, check=True)
        import django

        django.setup()
        from django.db import connection
        from django.utils import timezone

        from bekal.accounts.models import User
        from bekal.care import selectors, services
        from bekal.care.escalation import escalate_due_tickets
        from bekal.regions.models import Regency
        from bekal.regions.services import load_regions

        load_regions()
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(INSERT, {"count": args.tickets})
            cursor.execute("ANALYZE care_ticket")
        print(f"Care tickets, {args.tickets:,} open over {Regency.objects.count()} regencies")
        print(f"  inserted with SQL in {time.perf_counter() - start:.1f} s")
        busiest = (
            Regency.objects.order_by("code").values_list("code", flat=True)[0]  # one region
        )
        officer = User.objects.create_user(
            email="petugas@bench.id", password=None, full_name="Petugas",
            role=User.Role.REGIONAL_OFFICER, region_id=busiest,
        )  # fmt: skip
        office = User.objects.create_user(
            email="pmo@bench.id", password=None, full_name="PMO", role="programme_admin"
        )
        figures = timed(
            "figures per region (open, late, median first response)",
            lambda: selectors.ticket_figures_by_region(),
        )
        assert isinstance(figures, list) and len(figures) > 500
        timed(
            "an officer's queue (one region, 200 shown)",
            lambda: selectors.list_queue(viewer=officer),
        )
        timed(
            "the programme office's queue (every region, 200)",
            lambda: selectors.list_queue(viewer=office),
        )
        recorded = timed(
            "escalation sweep (1,000 per clock and level at most)",
            lambda: escalate_due_tickets(now=timezone.now()),
            repeat=1,
        )
        print(f"    escalations recorded by that sweep: {recorded:,}")
        timed("the next sweep, once they are recorded", lambda: escalate_due_tickets(), repeat=1)
        region = Regency.objects.get(code=busiest)
        count = 200
        start = time.perf_counter()
        for _ in range(count):
            services.open_ticket(
                idempotency_key=f"bench:{uuid.uuid4().hex}", category="complaint",
                body="Saldo kartu saya belum masuk sejak minggu lalu.", channel="desk",
                citizen=None, region=region, opened_by=officer,
            )  # fmt: skip
        elapsed = time.perf_counter() - start
        print(f"  open_ticket through the service: {count / elapsed:,.0f} tickets/s on one thread")


if __name__ == "__main__":
    main()
