"""Exclusion lists: upload (the import runs as a background job) and re-run."""

from __future__ import annotations

from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from procrastinate.exceptions import AlreadyEnqueued

from bekal.accounts.models import User
from bekal.core import crypto
from bekal.core.audit import record_event
from bekal.programmes.errors import (
    ExclusionFileError,
    ExclusionFileGoneError,
    ExclusionImportRunningError,
)
from bekal.programmes.exclusion_import import decode, read_header
from bekal.programmes.models import ExclusionList, ExclusionUpload

#: About 3.5 million rows of "nik" alone; larger lists are split into several files.
MAX_UPLOAD_BYTES = 64 * 1024 * 1024


def _read_checked(file: IO[bytes]) -> bytes:
    """The file's bytes, once its size, encoding and header are acceptable."""
    content = file.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise ExclusionFileError(
            field="file", reason=_("it is larger than %s MB") % (MAX_UPLOAD_BYTES // 2**20)
        )
    if not content.strip():
        raise ExclusionFileError(field="file", reason=_("the file is empty"))
    read_header(decode(content))
    return content


def _queue_import(exclusion_list: ExclusionList) -> None:
    from bekal.programmes.tasks import import_exclusion_list

    lock = f"exclusion-list:{exclusion_list.pk}"
    try:
        with transaction.atomic():
            import_exclusion_list.configure(lock=lock, queueing_lock=lock).defer(
                exclusion_list_id=exclusion_list.pk
            )
    except AlreadyEnqueued:
        raise ExclusionImportRunningError() from None


def _store(exclusion_list: ExclusionList, content: bytes) -> None:
    ExclusionUpload.objects.update_or_create(
        exclusion_list=exclusion_list,
        defaults={"content_encrypted": crypto.encrypt_bytes(content), "size": len(content)},
    )


@transaction.atomic
def upload_exclusion_list(
    *, kind: str, name: str, source: str, file: IO[bytes], actor: User
) -> ExclusionList:
    """Keep the file (encrypted) and queue its import in this transaction.

    `file` is a CSV with a header line naming a `nik` column (optional `valid_from`,
    `valid_to` as YYYY-MM-DD; other columns are ignored), comma- or semicolon-separated.
    """
    if kind not in ExclusionList.Kind.values:
        raise ExclusionFileError(field="kind", reason=_("unknown kind %s") % kind)
    if not name.strip() or not source.strip():
        raise ExclusionFileError(field="name", reason=_("a name and a source are required"))
    content = _read_checked(file)
    exclusion_list = ExclusionList.objects.create(
        kind=kind,
        name=name.strip()[:200],
        source=source.strip()[:200],
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    _store(exclusion_list, content)
    _queue_import(exclusion_list)
    record_event(
        action="programmes.exclusion_list_uploaded",
        actor=actor,
        target=exclusion_list,
        kind=kind,
        size=len(content),
    )
    return exclusion_list


@transaction.atomic
def rerun_import(
    *, exclusion_list: ExclusionList, actor: User, file: IO[bytes] | None = None
) -> ExclusionList:
    """Import the list again: from `file` if given (a corrected file), else from the file
    still kept (a failed import). The entries and the report are replaced."""
    exclusion_list = ExclusionList.objects.select_for_update().get(pk=exclusion_list.pk)
    if exclusion_list.status in (ExclusionList.Status.QUEUED, ExclusionList.Status.IMPORTING):
        raise ExclusionImportRunningError()
    if file is not None:
        _store(exclusion_list, _read_checked(file))
    elif not ExclusionUpload.objects.filter(exclusion_list=exclusion_list).exists():
        raise ExclusionFileGoneError()
    exclusion_list.status = ExclusionList.Status.QUEUED
    exclusion_list.rows_processed = 0
    exclusion_list.save(update_fields=["status", "rows_processed", "updated_at"])
    _queue_import(exclusion_list)
    record_event(
        action="programmes.exclusion_import_rerun",
        actor=actor,
        target=exclusion_list,
        new_file=file is not None,
    )
    return exclusion_list
