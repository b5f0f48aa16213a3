"""The cost of a selection's proof, part by part, on a database kept by bench.selection.

    .venv/bin/python -m bench.selection --size 1000000 --keep
    .venv/bin/python -m bench.selection_proof --database bekal_bench_selection_<pid>

Times, on the wave that bench.selection published: writing the canonical inputs and the
selected list to file storage (what publish_run does besides its UPDATE of the
applications), the digest of the eligibility decisions, the database-mode check
(`manage.py verify_selection WAVE`), and the check from the files alone. The files it
writes are deleted afterwards. Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


CHILD = """
import re, sys
from bekal.selection.verification import main
code = main(sys.argv[1:])
status = open("/proc/self/status").read()
print(re.search(r"VmHWM:\\s+(\\d+)", status).group(1), file=sys.stderr)
sys.exit(code)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="a database kept by bench.selection")
    args = parser.parse_args()

    from config import database

    server_url = os.environ.get("DATABASE_URL") or database.start_embedded()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "DATABASE_URL": urlunparse(urlparse(server_url)._replace(path=f"/{args.database}")),
            "SECRET_KEY": "bench-secret-key-" + uuid.uuid4().hex,
            "PII_KEYS": "bench-pii-key-" + uuid.uuid4().hex,
            "BLIND_INDEX_KEY": "bench-blind-index-" + uuid.uuid4().hex,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DEBUG": "false",
        }
    )
    import django

    django.setup()
    from django.db import transaction

    from bekal.selection import publication
    from bekal.selection.models import SelectionRun
    from bekal.selection.proof_checks import check_published_run

    run = SelectionRun.objects.filter(status=SelectionRun.Status.PUBLISHED).latest("published_at")
    figures: list[tuple[str, str]] = []

    def timed(label: str, work):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        with transaction.atomic():
            result = work()
        figures.append((label, f"{time.perf_counter() - start:.2f} s"))
        return result

    inputs, applicants, _eligible = timed(
        "write the inputs file", lambda: publication.write_inputs(run)
    )
    selected, count = timed("write the selected list", lambda: publication.write_selected(run))
    timed("digest of the eligibility decisions", lambda: publication.decisions_digest(run.wave))
    verification = timed(
        "verify_selection WAVE (database mode)", lambda: check_published_run(run=run)
    )
    # The check from the files alone, as anyone runs it: a process of its own (its peak
    # memory measured apart), on the stored files, with no database.
    storage = publication.proof_storage()
    inputs_size = storage.size(run.inputs_file)
    start = time.perf_counter()
    argv = [
        "--inputs", storage.path(run.inputs_file), "--digest", run.inputs_digest,
        "--seed", run.seed, "--selected", storage.path(run.selected_file),
    ]  # fmt: skip
    # VmHWM of the child's own image (getrusage would count the parent's pages it was
    # forked with), printed last on stderr.
    child = subprocess.run(
        [sys.executable, "-c", CHILD, *argv],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    figures.append(
        ("verify from the files alone (a process)", f"{time.perf_counter() - start:.2f} s")
    )
    standalone_peak = int(child.stderr.split()[-1]) / 1024
    for name in (inputs.name, selected.name):
        publication.proof_storage().delete(name)

    print(f"Selection proof: wave {run.wave.number}, {applicants:,} applicants, {count:,} selected")
    for label, value in [
        *figures,
        ("inputs file", f"{inputs_size / 1e6:.1f} MB"),
        ("database mode matches", str(verification.matches)),
        ("files alone match", str(child.returncode == 0 and child.stdout.startswith("MATCH"))),
        ("peak memory, the files-alone process", f"{standalone_peak:.0f} MiB"),
        (
            "peak memory, this process (database mode)",
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB",
        ),
    ]:
        print(f"  {label:<50}{value:>20}")


if __name__ == "__main__":
    main()
