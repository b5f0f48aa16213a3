"""What is stored: a clean JPEG, encrypted; read back by its owner or audited staff;
the same photo used by two accounts is flagged."""

import io

import pytest
from PIL import ExifTags, Image, UnidentifiedImageError

from bekal.core.crypto import decrypt_bytes
from bekal.core.models import AuditEvent
from bekal.identity import selectors, services
from bekal.identity.documents import errors
from bekal.identity.models import DocumentReuseFlag, IdentityDocument
from tests.identity.documents_support import (
    encode,
    gps_exif,
    jpeg,
    open_image,
    participant,
    photo,
    programme_officer,
    upload,
    use_tmp_document_storage,
)

pytestmark = pytest.mark.django_db

KTP = IdentityDocument.Kind.KTP_PHOTO
SELFIE = IdentityDocument.Kind.SELFIE_WITH_KTP


@pytest.fixture(autouse=True)
def storage_dir(settings, tmp_path):
    return use_tmp_document_storage(settings, tmp_path)


def stored_bytes(storage_dir, document):
    return (storage_dir / document.storage_name).read_bytes()


def test_the_stored_file_is_encrypted_and_not_a_readable_image(storage_dir):
    owner = participant()

    document = services.upload_document(owner=owner, kind=KTP, uploaded_file=upload(jpeg()))

    on_disk = stored_bytes(storage_dir, document)
    assert not on_disk.startswith(b"\xff\xd8\xff")
    with pytest.raises(UnidentifiedImageError):
        Image.open(io.BytesIO(on_disk))
    assert open_image(decrypt_bytes(on_disk)).format == "JPEG"


def test_gps_and_camera_metadata_are_absent_from_what_is_stored(storage_dir):
    owner = participant()
    original = encode(photo(), "JPEG", quality=90, exif=gps_exif())
    assert open_image(original).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the upload has GPS

    document = services.upload_document(owner=owner, kind=KTP, uploaded_file=upload(original))

    stored = decrypt_bytes(stored_bytes(storage_dir, document))
    image = open_image(stored)
    assert not image.getexif()
    assert "exif" not in image.info
    assert b"Exif" not in stored
    assert b"KameraRahasia" not in stored


def test_a_comment_xmp_and_colour_profile_are_not_carried_over(storage_dir):
    owner = participant()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>lokasi-rumah</rdf:RDF></x:xmpmeta>'
    original = encode(photo(), "JPEG", comment=b"dibuat di rumah", xmp=xmp)

    document = services.upload_document(owner=owner, kind=KTP, uploaded_file=upload(original))

    stored = decrypt_bytes(stored_bytes(storage_dir, document))
    assert b"dibuat di rumah" not in stored
    assert b"lokasi-rumah" not in stored
    assert not {"comment", "xmp", "icc_profile"} & set(open_image(stored).info)


def test_the_exif_orientation_is_applied_before_it_is_dropped(storage_dir):
    owner = participant()
    sideways = encode(photo(size=(1200, 900)), "JPEG", exif=gps_exif(orientation=6))

    document = services.upload_document(owner=owner, kind=KTP, uploaded_file=upload(sideways))

    assert open_image(decrypt_bytes(stored_bytes(storage_dir, document))).size == (900, 1200)
    assert (document.width, document.height) == (900, 1200)


def test_a_large_photo_is_scaled_down_to_2000_pixels_on_its_long_side():
    owner = participant()
    large = encode(photo(size=(4000, 3000)), "JPEG", quality=90)

    document = services.upload_document(owner=owner, kind=KTP, uploaded_file=upload(large))

    assert (document.width, document.height) == (2000, 1500)


def test_the_owner_reads_back_the_photo_without_an_audit_event():
    owner = participant()
    document = services.upload_document(owner=owner, kind=KTP, uploaded_file=upload(jpeg()))

    image = services.read_document_image(document=document, viewer=owner)

    assert open_image(image).size == (1200, 900)
    assert not AuditEvent.objects.filter(action="identity.document_viewed").exists()


def test_a_staff_read_is_audited():
    owner = participant()
    officer = programme_officer()
    document = services.upload_document(owner=owner, kind=SELFIE, uploaded_file=upload(jpeg()))

    image = services.read_document_image(document=document, viewer=officer, ip="10.9.9.9")

    assert image.startswith(b"\xff\xd8\xff")
    event = AuditEvent.objects.get(action="identity.document_viewed")
    assert event.actor == officer
    assert event.subject_user == owner
    assert event.object_id == str(document.pk)
    assert event.ip_address == "10.9.9.9"


def test_another_participant_may_not_read_a_photo():
    owner = participant()
    stranger = participant(email="budi@contoh.id", full_name="Budi")
    document = services.upload_document(owner=owner, kind=KTP, uploaded_file=upload(jpeg()))

    with pytest.raises(errors.DocumentAccessDeniedError):
        services.read_document_image(document=document, viewer=stranger)
    assert not AuditEvent.objects.filter(action="identity.document_viewed").exists()


def test_a_new_upload_replaces_the_current_one_and_is_audited():
    owner = participant()
    first = services.upload_document(owner=owner, kind=KTP, uploaded_file=upload(jpeg(1)))

    second = services.upload_document(owner=owner, kind=KTP, uploaded_file=upload(jpeg(2)))

    first.refresh_from_db()
    assert first.replaced_at is not None
    assert first.deletion_reason == IdentityDocument.DeletionReason.REPLACED
    assert selectors.get_documents(owner=owner) == {KTP: second, SELFIE: None}
    deleted = AuditEvent.objects.get(action="identity.document_deleted")
    assert deleted.object_id == str(first.pk)
    assert deleted.details["reason"] == "replaced"
    with pytest.raises(errors.DocumentFileDeletedError):
        services.read_document_image(document=first, viewer=owner)


def test_both_documents_make_the_step_complete():
    owner = participant()
    services.upload_document(owner=owner, kind=KTP, uploaded_file=upload(jpeg(1)))
    assert not selectors.documents_complete(owner=owner)

    services.upload_document(owner=owner, kind=SELFIE, uploaded_file=upload(jpeg(2)))

    assert selectors.documents_complete(owner=owner)


def test_the_same_photo_uploaded_by_two_accounts_is_flagged_but_accepted():
    first_owner = participant()
    second_owner = participant(email="budi@contoh.id", full_name="Budi Santoso")
    original = services.upload_document(owner=first_owner, kind=KTP, uploaded_file=upload(jpeg(7)))

    copy = services.upload_document(owner=second_owner, kind=KTP, uploaded_file=upload(jpeg(7)))

    flag = DocumentReuseFlag.objects.get()
    assert (flag.document, flag.matched_document, flag.distance) == (copy, original, 0)
    event = AuditEvent.objects.get(action="identity.document_reuse_flagged")
    assert event.subject_user == second_owner
    assert event.details["matches"][0]["owner_id"] == first_owner.pk
    assert list(selectors.list_reuse_flags(owner=first_owner)) == [flag]


def test_a_rescaled_and_recompressed_copy_is_flagged_too():
    first_owner = participant()
    second_owner = participant(email="budi@contoh.id", full_name="Budi Santoso")
    services.upload_document(owner=first_owner, kind=KTP, uploaded_file=upload(jpeg(7)))
    recompressed = encode(photo(7).resize((1000, 750)), "JPEG", quality=55)

    services.upload_document(owner=second_owner, kind=KTP, uploaded_file=upload(recompressed))

    flag = DocumentReuseFlag.objects.get()
    assert flag.distance <= services.REUSE_MAX_DISTANCE


def test_different_photos_are_not_flagged():
    first_owner = participant()
    second_owner = participant(email="budi@contoh.id", full_name="Budi Santoso")
    services.upload_document(owner=first_owner, kind=KTP, uploaded_file=upload(jpeg(7)))

    services.upload_document(owner=second_owner, kind=KTP, uploaded_file=upload(jpeg(8)))

    assert not DocumentReuseFlag.objects.exists()


def test_re_uploading_ones_own_photo_is_not_flagged():
    owner = participant()
    services.upload_document(owner=owner, kind=KTP, uploaded_file=upload(jpeg(7)))

    services.upload_document(owner=owner, kind=KTP, uploaded_file=upload(jpeg(7)))

    assert not DocumentReuseFlag.objects.exists()


def test_an_officer_uploading_for_a_citizen_is_recorded_as_the_actor():
    owner = participant()
    officer = programme_officer()

    document = services.upload_document(
        owner=owner, kind=KTP, uploaded_file=upload(jpeg()), acting_user=officer
    )

    assert document.uploaded_by == officer
    event = AuditEvent.objects.get(action="identity.document_uploaded")
    assert (event.actor, event.subject_user) == (officer, owner)
