"""Nothing anywhere in Bekal can delete ledger rows by cascade."""

from __future__ import annotations

from django.apps import apps
from django.db import models


def relations_into_the_ledger() -> list[models.Field]:
    return [
        field
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.get_fields(include_hidden=True)
        if field.is_relation
        and field.concrete
        and field.related_model is not None
        and field.related_model._meta.app_label == "ledger"
    ]


def test_every_foreign_key_into_the_ledger_is_protect():
    relations = relations_into_the_ledger()

    not_protect = [
        f"{field.model._meta.label}.{field.name}"
        for field in relations
        if isinstance(field, models.ManyToManyField)
        or field.remote_field.on_delete is not models.PROTECT
    ]

    assert {f"{f.model._meta.label}.{f.name}" for f in relations} >= {
        "ledger.Entry.account",
        "ledger.Entry.transaction",
        "ledger.Transaction.reversal_of",
    }
    assert not_protect == []
