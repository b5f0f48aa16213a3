"""The selection's proof log: an entry when a seed is committed and when a run is
published, each hashed over its canonical content and linked to the one before;
PostgreSQL refuses to change or remove one; the log can be exported as plain text."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction

from bekal.selection import canonical, proof_log, publication, services
from bekal.selection.errors import RunStateError
from bekal.selection.models import ProofLogEntry
from tests.selection.factories import Person, admin, close, join, publish, wave

pytestmark = pytest.mark.django_db


def test_committing_a_seed_appends_an_entry_holding_its_hash():
    # given a log holding one earlier wave's commitment
    wave()
    first = proof_log.get_head()

    # when the seed of another wave is committed
    w, run = wave()

    # then the new entry commits to its hash, names the earlier entry, and is the head
    entry = ProofLogEntry.objects.get(wave=w.number)
    assert entry.kind == "seed_committed"
    assert entry.payload["seed_hash"] == run.seed_hash
    assert entry.position == first.position + 1
    assert entry.previous_hash == first.entry_hash
    assert proof_log.get_head() == entry
    body = canonical.entry_body(**proof_log.as_fields(entry))
    assert entry.entry_hash == hashlib.sha256(body.encode()).hexdigest()
    assert json.loads(body)["payload"] == {
        "seed_hash": run.seed_hash,
        "wave_closes_at": proof_log.format_time(w.closes_at),
    }


def test_publishing_appends_an_entry_with_the_files_digests_and_counts():
    w, run = wave(national_quota=2)
    join(w, [Person(), Person(), Person(), Person(age=17)])

    run = publish(run)

    entry = ProofLogEntry.objects.get(wave=w.number, kind="run_published")
    inputs = publication.read_file(run.inputs_file)
    selected = publication.read_file(run.selected_file)
    assert entry.payload["inputs_digest"] == hashlib.sha256(inputs).hexdigest()
    assert entry.payload["selected_digest"] == hashlib.sha256(selected).hexdigest()
    assert entry.payload["seed"] == run.seed
    assert entry.payload["seed_hash"] == run.seed_hash
    assert (entry.payload["applicants"], entry.payload["eligible"]) == (4, 3)
    assert entry.payload["selected"] == 2 == len(selected.decode().split())
    assert (
        entry.previous_hash
        == ProofLogEntry.objects.get(wave=w.number, kind="seed_committed").entry_hash
    )


def test_the_published_inputs_name_nobody():
    person = Person()
    w, run = wave()
    join(w, [person])

    run = publish(run)

    inputs = publication.read_file(run.inputs_file).decode()
    assert person.nik not in inputs and person.kk not in inputs
    assert f"Peserta {person.serial}" not in inputs
    document = canonical.parse(inputs)
    assert [row[0] for row in document["applicants"]] == [str(run.outcomes.get().application_id)]


def test_a_refused_publication_leaves_no_entry():
    w, run = wave()
    join(w, [Person()])
    close(w)
    run = services.run_selection(run=run, actor=admin())

    with pytest.raises(RunStateError):
        services.publish_run(run=run, actor=admin())

    assert not ProofLogEntry.objects.filter(kind="run_published").exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda entries: entries.update(payload={"seed_hash": "0" * 64}),
        lambda entries: entries.delete(),
    ],
    ids=["update", "delete"],
)
def test_postgresql_refuses_to_change_or_remove_an_entry(change):
    w, run = wave()
    entries = ProofLogEntry.objects.filter(wave=w.number)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        change(entries)

    assert entries.get().payload["seed_hash"] == run.seed_hash


def test_the_exported_log_holds_and_ends_with_the_head():
    w, run = wave()
    join(w, [Person()])
    publish(run)
    head = proof_log.get_head()

    out = io.StringIO()
    call_command("export_proof_log", stdout=out)
    head_out = io.StringIO()
    call_command("export_proof_log", "--head", stdout=head_out)

    text = out.getvalue()
    entries = canonical.parse_log(text)
    assert canonical.check_chain(entries) == []
    assert entries[-1]["entry_hash"] == head.entry_hash == head_out.getvalue().strip()
    assert text.startswith(
        f"# Bekal selection proof log: {len(entries)} entries; head {head.entry_hash}"
    )
    assert [(e["wave"], e["kind"]) for e in entries[-2:]] == [
        (w.number, "seed_committed"),
        (w.number, "run_published"),
    ]


def test_the_exported_log_shows_an_entry_edited_in_the_text():
    wave()
    wave()
    text = proof_log.export_text()
    lines = text.splitlines()
    edited = json.loads(lines[-2])
    edited["payload"]["seed_hash"] = "1" * 64
    lines[-2] = json.dumps(edited, sort_keys=True, separators=(",", ":"))

    problems = canonical.check_chain(canonical.parse_log("\n".join(lines)))

    assert problems == [
        f"log entry {edited['position']}: its hash {edited['entry_hash']} is not the hash of "
        "its content (the entry was rewritten)"
    ]


@pytest.mark.django_db(transaction=True)
def test_appenders_at_the_same_time_make_one_chain():
    # given four clerks' processes appending five entries each, at the same time
    import threading

    from django.db import connection

    start = threading.Barrier(4)
    failures: list[BaseException] = []

    def appender(number: int) -> None:
        try:
            start.wait()
            for _ in range(5):
                proof_log.append_entry(kind="seed_committed", wave=number, payload={})
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=appender, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then every entry was written, one after the other, each linked to the one before
    assert failures == []
    entries = [proof_log.as_exported(e) for e in ProofLogEntry.objects.order_by("position")]
    assert [e["position"] for e in entries] == list(range(1, 21))
    assert canonical.check_chain(entries) == []
