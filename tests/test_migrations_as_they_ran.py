"""A migration stays as it ran: every committed migration file is byte for byte the
version first committed. A data migration carries its own copy of what it needs
instead of following live code that changes later."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def _first_committed_versions() -> dict[str, str]:
    """Each migration path -> the commit that first added it (oldest first wins)."""
    log = _git(
        "log",
        "--reverse",
        "--diff-filter=A",
        "--no-renames",
        "--name-only",
        "--format=commit %H",
        "--",
        "bekal/*/migrations/*.py",
    )
    first: dict[str, str] = {}
    commit = ""
    for line in log.splitlines():
        if line.startswith("commit "):
            commit = line.split()[1]
        elif line.strip():
            first.setdefault(line.strip(), commit)
    return first


def _in_a_full_git_history() -> bool:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return False
    return _git("rev-parse", "--is-shallow-repository").strip() == "false"


@pytest.mark.skipif(not _in_a_full_git_history(), reason="needs the full git history")
def test_no_committed_migration_was_edited_after_its_first_commit():
    first = _first_committed_versions()
    present = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("bekal/*/migrations/*.py"))

    edited = [
        path
        for path in present
        if path in first and (ROOT / path).read_text() != _git("show", f"{first[path]}:{path}")
    ]

    assert len(first) > 30, "the migration history was not found"
    assert edited == [], "migrations edited after they were committed: " + ", ".join(edited)
