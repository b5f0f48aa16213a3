"""Stored photos are deleted a set number of days after identity verification ends."""

import datetime as dt

import pytest
from django.utils import timezone

from bekal.core.models import AuditEvent
from bekal.identity import selectors, services, tasks
from bekal.identity.documents import errors
from bekal.identity.models import IdentityDocument
from tests.identity.documents_support import (
    jpeg,
    participant,
    upload,
    use_tmp_document_storage,
)

KTP = IdentityDocument.Kind.KTP_PHOTO
SELFIE = IdentityDocument.Kind.SELFIE_WITH_KTP


@pytest.fixture(autouse=True)
def storage_dir(settings, tmp_path):
    settings.BEKAL_DOCUMENT_RETENTION_DAYS = 30
    return use_tmp_document_storage(settings, tmp_path)


def uploaded_pair(owner):
    return [
        services.upload_document(owner=owner, kind=KTP, uploaded_file=upload(jpeg(1))),
        services.upload_document(owner=owner, kind=SELFIE, uploaded_file=upload(jpeg(2))),
    ]


def days_ago(days):
    return timezone.now() - dt.timedelta(days=days)


@pytest.mark.django_db
def test_files_are_deleted_once_the_retention_period_has_passed(storage_dir):
    owner = participant()
    documents = uploaded_pair(owner)
    hashes = {document.pk: document.phash for document in documents}
    services.mark_verification_ended(owner=owner, ended_at=days_ago(31))

    purged = services.purge_expired_documents()

    assert purged == 2
    for document in documents:
        document.refresh_from_db()  # the row stays, with its hash
        assert not (storage_dir / document.storage_name).exists()
        assert document.deletion_reason == IdentityDocument.DeletionReason.RETENTION
        assert document.phash == hashes[document.pk]
    events = AuditEvent.objects.filter(action="identity.document_deleted")
    assert {event.object_id for event in events} == {str(d.pk) for d in documents}
    assert {event.details["reason"] for event in events} == {"retention"}


@pytest.mark.django_db
def test_files_are_kept_until_the_period_has_passed(storage_dir):
    owner = participant()
    documents = uploaded_pair(owner)
    services.mark_verification_ended(owner=owner, ended_at=days_ago(29))

    purged = services.purge_expired_documents()

    assert purged == 0
    assert all((storage_dir / d.storage_name).exists() for d in documents)
    assert not AuditEvent.objects.filter(action="identity.document_deleted").exists()


@pytest.mark.django_db
def test_files_are_kept_while_verification_has_not_ended(storage_dir):
    owner = participant()
    documents = uploaded_pair(owner)

    services.purge_expired_documents(now=timezone.now() + dt.timedelta(days=3650))

    assert all((storage_dir / d.storage_name).exists() for d in documents)


@pytest.mark.django_db
def test_the_purge_is_idempotent():
    owner = participant()
    uploaded_pair(owner)
    services.mark_verification_ended(owner=owner, ended_at=days_ago(40))
    services.purge_expired_documents()

    assert services.purge_expired_documents() == 0
    assert AuditEvent.objects.filter(action="identity.document_deleted").count() == 2


@pytest.mark.django_db
def test_after_retention_the_step_stays_done_but_the_photo_is_gone():
    owner = participant()
    ktp, _ = uploaded_pair(owner)
    services.mark_verification_ended(owner=owner, ended_at=days_ago(31))
    services.purge_expired_documents()

    assert selectors.documents_complete(owner=owner)
    current = selectors.get_documents(owner=owner)[KTP]
    assert current == ktp
    assert not current.file_available
    with pytest.raises(errors.DocumentFileDeletedError):
        services.read_document_image(document=current, viewer=owner)


@pytest.mark.django_db
def test_the_end_of_verification_is_recorded_once():
    owner = participant()
    uploaded_pair(owner)
    first_end = days_ago(5)

    assert services.mark_verification_ended(owner=owner, ended_at=first_end) == 2
    assert services.mark_verification_ended(owner=owner, ended_at=days_ago(1)) == 0

    assert set(IdentityDocument.objects.values_list("verification_ended_at", flat=True)) == {
        first_end
    }
    event = AuditEvent.objects.get(action="identity.document_retention_started")
    assert event.subject_user == owner


@pytest.mark.django_db(transaction=True)
def test_the_periodic_job_purges_expired_files(storage_dir, worker):
    owner = participant()
    documents = uploaded_pair(owner)
    services.mark_verification_ended(owner=owner, ended_at=days_ago(31))

    tasks.purge_expired_documents.defer(timestamp=int(timezone.now().timestamp()))
    worker()

    assert not any((storage_dir / d.storage_name).exists() for d in documents)
    assert AuditEvent.objects.filter(action="identity.document_deleted").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_replaced_photo_file_is_deleted_by_the_worker_after_the_replacement(storage_dir, worker):
    owner = participant()
    first = services.upload_document(owner=owner, kind=KTP, uploaded_file=upload(jpeg(1)))
    second = services.upload_document(owner=owner, kind=KTP, uploaded_file=upload(jpeg(2)))
    assert (storage_dir / first.storage_name).exists()  # kept until the job runs

    worker()

    assert not (storage_dir / first.storage_name).exists()
    assert (storage_dir / second.storage_name).exists()
