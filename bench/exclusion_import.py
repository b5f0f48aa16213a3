"""Exclusion-list import throughput: a CSV of N synthetic NIKs, uploaded and imported by
Bekal's real Procrastinate worker, end to end.

Creates a database of its own (on the embedded PostgreSQL, or on the server in
DATABASE_URL; dropped afterwards), migrates it and loads the official regions, writes a
CSV of N valid synthetic NIKs (bekal.identity.synthetic) with 0.5% malformed rows and
0.5% duplicates, then times: the upload (check, encrypt, store, queue) and the import
job (read, check, blind-index, COPY, replace the entries), and prints rows per second.

    .venv/bin/python -m bench.exclusion_import              # 200,000 rows
    .venv/bin/python -m bench.exclusion_import --rows 1000000
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.database import bench_database  # noqa: E402


def synthetic_csv(rows: int, *, seed: int = 2020) -> bytes:
    from faker import Faker

    from bekal.identity.synthetic import IndonesianIdentityProvider

    fake = Faker("id_ID")
    fake.add_provider(IndonesianIdentityProvider)
    fake.seed_instance(seed)
    rng = random.Random(seed)
    lines = ["nik,nama_instansi"]
    for n in range(rows):
        roll = rng.random()
        if roll < 0.005:
            lines.append(f"{rng.randrange(10**11, 10**12)},Instansi {n % 50}")  # 12 digits
        elif roll < 0.01 and len(lines) > 1:
            lines.append(lines[rng.randrange(1, len(lines))])  # a duplicate row
        else:
            lines.append(f"{fake.nik()},Instansi {n % 50}")
    return ("\n".join(lines) + "\n").encode()


def run_worker() -> None:
    """Bekal's real worker, in a thread, until the queue is empty (as tests/conftest.py)."""
    from asgiref.sync import SyncToAsync
    from django.db import connections
    from procrastinate.contrib.django import app

    worker_app = app.with_connector(app.connector.get_worker_connector())
    thread = threading.Thread(
        target=lambda: worker_app.run_worker(
            wait=False, install_signal_handlers=False, listen_notify=False
        )
    )
    thread.start()
    thread.join()
    SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()

    with bench_database("exclusion") as db:
        os.environ.update(db.settings_env())
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, check=True)
        import django

        django.setup()
        from bekal.accounts.models import User
        from bekal.programmes.models import ExclusionList
        from bekal.programmes.services import upload_exclusion_list
        from bekal.regions.services import load_regions

        load_regions()
        print(f"Generating {args.rows:,} rows of synthetic NIKs...")
        content = synthetic_csv(args.rows)
        staff = User.objects.create_user(
            email="pmo@bench.id", password=None, full_name="PMO", role="programme_admin"
        )
        start = time.perf_counter()
        exclusion_list = upload_exclusion_list(
            kind="civil_servant", name="ASN (bench)", source="bench",
            file=io.BytesIO(content), actor=staff,
        )  # fmt: skip
        uploaded = time.perf_counter()
        run_worker()
        done = time.perf_counter()
        exclusion_list = ExclusionList.objects.get(pk=exclusion_list.pk)
        assert exclusion_list.status == ExclusionList.Status.IMPORTED, exclusion_list.failure

    total = done - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Exclusion-list import, {args.rows:,} rows ({len(content) / 2**20:.1f} MiB of CSV)")
    accepted, refused = exclusion_list.rows_accepted, exclusion_list.rows_refused
    print(f"  accepted / refused                     {accepted:,} / {refused:,}")
    print(f"  upload (check, encrypt, store, queue)  {uploaded - start:6.2f} s")
    print(f"  import job (worker)                    {done - uploaded:6.2f} s")
    print(f"  end to end                             {total:6.2f} s")
    print(f"  rows per second (end to end)           {args.rows / total:,.0f}")
    print(f"  peak memory of this process            {peak_mib:,.0f} MiB")


if __name__ == "__main__":
    main()
