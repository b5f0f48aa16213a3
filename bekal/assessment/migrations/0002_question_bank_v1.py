"""Ship the first question bank (question_bank_v1.json, in Bahasa Indonesia).

Idempotent (a question whose code exists is left alone), so `load_bank` can also put the
bank back in a database that was emptied (tests that flush every table).
"""

import json
from pathlib import Path

from django.db import migrations

BANK = Path(__file__).with_name("question_bank_v1.json")


def load_bank(apps, schema_editor=None):
    Question = apps.get_model("assessment", "Question")
    Option = apps.get_model("assessment", "Option")
    existing = set(Question.objects.values_list("code", flat=True))
    for entry in json.loads(BANK.read_text(encoding="utf-8"))["questions"]:
        if entry["code"] in existing:
            continue
        question = Question.objects.create(
            code=entry["code"],
            category=entry["category"],
            passage=entry["passage"],
            text=entry["text"],
            version=1,
        )
        motivation = entry["category"] == "motivation"
        Option.objects.bulk_create(
            Option(
                question=question,
                position=position,
                text=text,
                is_correct=False if motivation else bool(value),
                score=int(value) if motivation else 0,
            )
            for position, (text, value) in enumerate(entry["options"], start=1)
        )


def unload_bank(apps, schema_editor):
    Question = apps.get_model("assessment", "Question")
    codes = [entry["code"] for entry in json.loads(BANK.read_text(encoding="utf-8"))["questions"]]
    Question.objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_question_bank_and_attempts")]

    operations = [migrations.RunPython(load_bank, unload_bank)]
