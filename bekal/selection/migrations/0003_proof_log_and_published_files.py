"""The selection's proof leaves the run's row: the canonical inputs and the selected list
go to file storage, and the seed commitments and publications into an append-only,
hash-chained log (PostgreSQL refuses UPDATE and DELETE on it; TRUNCATE, an
administrator's act that the test suite's flush uses, is not refused).

Runs published before this migration get their files written and their two log entries
(seed committed, run published) appended, in wave order, with this migration's own copy
of the canonical encoding.
"""

import datetime as dt
import hashlib
import json

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import migrations, models

APPEND_ONLY = """
CREATE FUNCTION selection_prooflog_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the selection proof log is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER selection_prooflogentry_append_only
    BEFORE UPDATE OR DELETE ON selection_prooflogentry
    FOR EACH ROW EXECUTE FUNCTION selection_prooflog_refuse_change();
"""

DROP_APPEND_ONLY = """
DROP TRIGGER selection_prooflogentry_append_only ON selection_prooflogentry;
DROP FUNCTION selection_prooflog_refuse_change();
"""


def _dumps(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def move_published_proofs(apps, schema_editor):
    SelectionRun = apps.get_model("selection", "SelectionRun")
    SelectionOutcome = apps.get_model("selection", "SelectionOutcome")
    ProofLogEntry = apps.get_model("selection", "ProofLogEntry")
    storage = storages["selection_proofs"]
    previous, position = "0" * 64, 0
    runs = SelectionRun.objects.filter(status="published").select_related("wave")
    for run in runs.order_by("wave__number"):
        number = run.wave.number
        inputs = run.inputs_json.encode("utf-8")
        selected = "".join(
            f"{p}\n"
            for p in SelectionOutcome.objects.filter(run=run, selected=True)
            .order_by("lottery_rank", "pseudonym")
            .values_list("pseudonym", flat=True)
        ).encode("utf-8")
        run.inputs_file = storage.save(f"wave-{number}/inputs.json", ContentFile(inputs))
        run.selected_file = storage.save(f"wave-{number}/selected.txt", ContentFile(selected))
        run.selected_digest = hashlib.sha256(selected).hexdigest()
        run.save(update_fields=["inputs_file", "selected_file", "selected_digest"])
        document = json.loads(inputs)
        eligible = sum(1 for row in document["applicants"] if row[3])
        for kind, payload in (
            ("seed_committed", {"seed_hash": run.seed_hash, "backfilled": True}),
            (
                "run_published",
                {
                    "backfilled": True,
                    "inputs_digest": run.inputs_digest,
                    "selected_digest": run.selected_digest,
                    "seed": run.seed,
                    "seed_hash": run.seed_hash,
                    "applicants": len(document["applicants"]),
                    "eligible": eligible,
                    "selected": selected.count(b"\n"),
                },
            ),
        ):
            position += 1
            now = dt.datetime.now(dt.UTC)
            recorded = now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            body = _dumps(
                {
                    "kind": kind,
                    "payload": payload,
                    "position": position,
                    "previous_hash": previous,
                    "recorded_at": recorded,
                    "wave": number,
                }
            )
            entry_hash = hashlib.sha256(body.encode("utf-8")).hexdigest()
            ProofLogEntry.objects.create(
                position=position,
                kind=kind,
                wave=number,
                payload=payload,
                recorded_at=now,
                previous_hash=previous,
                entry_hash=entry_hash,
            )
            previous = entry_hash


class Migration(migrations.Migration):
    dependencies = [
        ("selection", "0002_steps_requested_in_the_background"),
    ]

    operations = [
        migrations.AddField(
            model_name="selectionrun",
            name="inputs_file",
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name="selectionrun",
            name="selected_file",
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name="selectionrun",
            name="selected_digest",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.CreateModel(
            name="ProofLogEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveBigIntegerField(unique=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("seed_committed", "Lottery seed committed"),
                            ("run_published", "Selection published"),
                        ],
                        max_length=24,
                    ),
                ),
                ("wave", models.PositiveIntegerField()),
                ("payload", models.JSONField()),
                ("recorded_at", models.DateTimeField()),
                ("previous_hash", models.CharField(max_length=64, unique=True)),
                ("entry_hash", models.CharField(max_length=64, unique=True)),
            ],
            options={
                "verbose_name": "proof log entry",
                "ordering": ["position"],
                "indexes": [models.Index(fields=["wave", "kind"], name="selection_prooflog_wave")],
            },
        ),
        migrations.RunPython(move_published_proofs, migrations.RunPython.noop),
        migrations.RunSQL(APPEND_ONLY, DROP_APPEND_ONLY),
    ]
