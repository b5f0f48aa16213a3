"""Verification from the files a wave's public page offers, with no access to Bekal's
database: `manage.py verify_selection --inputs ... --digest ... --seed ... --selected ...`
run where the database cannot be reached, and `python -m bekal.selection.verification`
run without even Django installed (`python -S`: no site-packages)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from bekal.selection import canonical
from bekal.selection.verification import verify_files
from tests.selection.factories import Person, join, publish, wave

pytestmark = pytest.mark.django_db

#: A database nobody can reach: any query would fail the command.
UNREACHABLE = "postgres://nobody:nothing@127.0.0.1:9/none"


def downloaded(client, tmp_path: Path) -> dict[str, str]:
    """A published wave's files, downloaded from its public page as anyone would."""
    w, run = wave(national_quota=3, quotas=[("17.71", 2)])
    join(w, [Person(regency="17.71") for _ in range(4)] + [Person(regency="17.02")])
    join(w, [Person(regency="31.71", kk="3171010101200009") for _ in range(3)])
    join(w, [Person(age=17)])
    run = publish(run)
    files = {}
    for name, url in (
        ("inputs", f"/gelombang/{w.number}/bukti/masukan.json"),
        ("selected", f"/gelombang/{w.number}/bukti/terpilih.txt"),
        ("log", "/gelombang/bukti/log.txt"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        path = tmp_path / name
        path.write_bytes(body)
        files[name] = str(path)
    page = client.get(f"/gelombang/{w.number}/").content.decode()
    assert run.inputs_digest in page and run.seed in page
    return {**files, "digest": run.inputs_digest, "seed": run.seed}


def file_arguments(files: dict[str, str]) -> list[str]:
    return [
        "--inputs", files["inputs"], "--digest", files["digest"], "--seed", files["seed"],
        "--selected", files["selected"], "--log", files["log"],
    ]  # fmt: skip


def without_database(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": UNREACHABLE,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "verify_selection", *argv],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_verification_from_the_downloaded_files_alone_matches(client, tmp_path):
    files = downloaded(client, tmp_path)

    result = without_database(*file_arguments(files))

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("MATCH: 3 selected, recomputed from the inputs file")


def test_the_standalone_module_needs_neither_django_nor_the_database(client, tmp_path):
    files = downloaded(client, tmp_path)

    # -S: no site-packages, so no Django and no database driver can be imported
    result = subprocess.run(
        [sys.executable, "-S", "-m", "bekal.selection.verification", *file_arguments(files)],
        cwd=settings.BASE_DIR,
        env={"PATH": os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("MATCH: 3 selected")


def test_a_downloaded_list_with_one_name_changed_does_not_match(client, tmp_path):
    files = downloaded(client, tmp_path)
    selected = Path(files["selected"]).read_text().split()
    inputs = json.loads(Path(files["inputs"]).read_text())
    outsider = next(row[0] for row in inputs["applicants"] if row[0] not in selected)
    Path(files["selected"]).write_text("".join(f"{p}\n" for p in [outsider, *selected[1:]]))

    result = without_database(*file_arguments(files))

    assert result.returncode != 0
    assert f"MISMATCH: position 1: published {outsider}, recomputed {selected[0]}" in result.stdout
    assert "the log's publication of wave" in result.stdout  # its digest is in the log


def test_downloaded_inputs_changed_with_a_matching_digest_do_not_match_the_log(client, tmp_path):
    # given inputs edited (one applicant's tier) and a digest computed for them
    files = downloaded(client, tmp_path)
    document = json.loads(Path(files["inputs"]).read_text())
    document["applicants"][0][2] = 1
    text = json.dumps(document, sort_keys=True, separators=(",", ":"))
    Path(files["inputs"]).write_text(text)

    result = without_database(*file_arguments({**files, "digest": canonical.digest(text)}))

    assert result.returncode != 0
    assert f"states inputs_digest {files['digest']}" in result.stdout


def test_a_wrong_seed_is_refused_without_the_database(client, tmp_path):
    files = downloaded(client, tmp_path)

    result = without_database(*file_arguments({**files, "seed": "00" * 32}))

    assert result.returncode != 0
    assert "MISMATCH: the seed does not match the committed seed hash" in result.stdout


def test_the_streamed_document_is_the_canonical_json():
    rows = [("10", "17.71", None, True, "ab", 2), ("9", "32.16", 1, False, "cd", 1)]
    document = {
        "format": canonical.FORMAT,
        "wave": 7,
        "seed_hash": "ff" * 32,
        "national_quota": 5,
        "quotas": {"provinces": {"17": 3}, "regencies": {"32.16": 2}},
        "applicants": [list(row) for row in sorted(rows)],
    }

    streamed = canonical.render(
        wave=7,
        seed_hash="ff" * 32,
        national_quota=5,
        province_quotas={"17": 3},
        regency_quotas={"32.16": 2},
        rows=rows,
    )

    assert streamed == json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=True
    )


@pytest.mark.parametrize(
    "damage",
    [
        lambda doc: doc.pop("quotas"),
        lambda doc: doc["applicants"][0].pop(),
        lambda doc: doc["applicants"][0].__setitem__(5, "2"),
    ],
    ids=["no quotas", "short row", "places as text"],
)
def test_a_malformed_document_with_its_digest_is_refused_with_a_message(damage, tmp_path):
    document = {
        "format": canonical.FORMAT,
        "wave": 7,
        "seed_hash": "ff" * 32,
        "national_quota": 5,
        "quotas": {"provinces": {}, "regencies": {}},
        "applicants": [["1", "17.71", None, True, "ab", 2]],
    }
    damage(document)
    text = json.dumps(document, sort_keys=True, separators=(",", ":"))

    result = verify_files(
        inputs=text.encode(), digest=canonical.digest(text), seed_hex="00" * 32, selected=b""
    )

    assert not result.matches
    assert result.problem.startswith("the inputs are not a selection inputs document")


@pytest.mark.parametrize(
    "argv",
    [["--inputs", "masukan.json"], ["7", "--seed", "00"], ["--head", "ab"]],
    ids=["files missing", "wave and files", "head without wave"],
)
def test_incomplete_or_mixed_options_are_refused_with_a_message(argv):
    with pytest.raises(CommandError, match=r"give a wave number|goes with a wave number"):
        call_command("verify_selection", *argv)


def test_a_log_whose_seed_was_committed_after_the_wave_closed_does_not_match():
    from bekal.selection.verification import check_against_log

    fields = {
        "position": 1,
        "kind": "seed_committed",
        "wave": 7,
        "payload": {"seed_hash": "ff" * 32, "wave_closes_at": "2026-04-16T10:00:00.000000Z"},
        "recorded_at": "2026-04-16T10:00:00.000001Z",
        "previous_hash": canonical.GENESIS,
    }
    log = canonical.entry_line(entry_hash=canonical.entry_hash(**fields), **fields)

    problems = check_against_log(
        log_text=log,
        document={"wave": 7, "seed_hash": "ff" * 32},
        digest="",
        seed_hex="",
        selected_digest="",
    )

    assert "the log records wave 7's seed commitment after the wave closed" in problems
