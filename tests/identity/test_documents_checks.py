"""An uploaded photo is checked by content; every refusal has its own code, stores nothing."""

import pytest
from django.utils import translation

from bekal.core.models import AuditEvent
from bekal.identity import services
from bekal.identity.documents import errors
from bekal.identity.models import IdentityDocument
from tests.identity.documents_support import (
    encode,
    jpeg,
    mp4_box,
    mp4_video,
    participant,
    photo,
    png_declaring,
    samsung_trailer,
    upload,
    use_tmp_document_storage,
    zip_archive,
)

pytestmark = pytest.mark.django_db

KTP = IdentityDocument.Kind.KTP_PHOTO


@pytest.fixture(autouse=True)
def storage_dir(settings, tmp_path):
    return use_tmp_document_storage(settings, tmp_path)


def refusal(data, name="ktp.jpg", kind=KTP):
    """Upload `data` and return the refusal; check that nothing was stored."""
    owner = participant()
    with pytest.raises(errors.DocumentError) as refused:
        services.upload_document(owner=owner, kind=kind, uploaded_file=upload(data, name))
    assert not IdentityDocument.objects.exists()
    return refused.value


def stored_files(storage_dir):
    return [path for path in storage_dir.rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    ("image_format", "options", "expected"),
    [
        ("JPEG", {"quality": 90}, "JPEG"),
        ("PNG", {}, "PNG"),
        ("WEBP", {"quality": 90}, "WEBP"),
        ("HEIF", {"quality": 90}, "HEIF"),
    ],
)
def test_jpeg_png_webp_and_heic_photos_are_accepted(storage_dir, image_format, options, expected):
    owner = participant()

    document = services.upload_document(
        owner=owner, kind=KTP, uploaded_file=upload(encode(photo(), image_format, **options))
    )

    assert document.original_format == expected
    assert (document.width, document.height) == (1200, 900)
    assert document.content_type == "image/jpeg"
    assert len(stored_files(storage_dir)) == 1


def test_a_multi_picture_jpeg_from_a_phone_is_accepted():
    owner = participant()
    mpo = encode(photo(1), "MPO", save_all=True, append_images=[photo(2)])

    document = services.upload_document(owner=owner, kind=KTP, uploaded_file=upload(mpo))

    assert document.original_format == "MPO"


def test_a_png_declaring_100000_by_100000_pixels_is_refused_from_its_header(storage_dir):
    error = refusal(png_declaring(100_000, 100_000), name="ktp.png")

    assert error.code == "document_too_many_pixels"
    assert stored_files(storage_dir) == []


def test_a_png_over_the_pixel_limit_but_under_pillows_own_is_refused():
    error = refusal(png_declaring(7_000, 7_000), name="ktp.png")  # 49 million pixels

    assert error.code == "document_too_many_pixels"


def test_the_pixel_limit_comes_from_the_settings(settings):
    settings.BEKAL_DOCUMENT_MAX_PIXELS = 1_000_000

    error = refusal(jpeg())  # 1200 x 900 = 1.08 million

    assert error.code == "document_too_many_pixels"


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.BEKAL_DOCUMENT_MAX_BYTES = 10_000

    error = refusal(jpeg())

    assert error.code == "document_too_large"


def test_an_empty_file_is_refused():
    assert refusal(b"").code == "document_empty"


@pytest.mark.parametrize(
    "content",
    [
        b"Ini bukan foto, hanya teks biasa.\n",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="900"/>',
        b"\x7fELF\x02\x01\x01" + b"\x00" * 100,
    ],
    ids=["text", "pdf", "html", "svg", "executable"],
)
def test_a_file_that_is_not_an_image_is_refused_whatever_its_name(content):
    error = refusal(content, name="ktp.jpg")

    assert error.code == "document_not_an_image"


def test_a_zip_archive_renamed_jpg_is_not_an_image():
    assert refusal(zip_archive(), name="ktp.jpg").code == "document_not_an_image"


@pytest.mark.parametrize("image_format", ["GIF", "BMP", "TIFF", "ICO"])
def test_an_image_in_another_format_is_refused_with_its_name(image_format):
    error = refusal(encode(photo(), image_format), name="ktp.jpg")

    assert error.code == "document_format_not_allowed"
    assert image_format in str(error)


def test_a_photo_too_small_to_read_the_card_is_refused():
    error = refusal(encode(photo(size=(600, 450)), "JPEG"))

    assert error.code == "document_too_small"
    assert "600 x 450" in str(error)


def test_a_truncated_photo_is_refused_as_corrupt():
    whole = jpeg()

    assert refusal(whole[: len(whole) // 2]).code == "document_corrupt"


def test_a_jpeg_followed_by_a_zip_archive_is_refused_as_a_polyglot():
    assert refusal(jpeg() + zip_archive()).code == "document_polyglot"


def test_a_jpeg_followed_by_html_is_refused_as_a_polyglot():
    payload = b"<html><body><script>document.location='//evil'</script></body></html>"

    assert refusal(jpeg() + payload).code == "document_polyglot"


def test_a_jpeg_that_is_also_a_php_script_is_refused_as_a_polyglot():
    php_in_comment = encode(photo(), "JPEG", comment=b"<?php system($_GET['c']); ?>")

    assert refusal(php_in_comment).code == "document_polyglot"


@pytest.mark.parametrize("image_format", ["PNG", "WEBP", "HEIF"])
def test_other_formats_with_something_appended_are_refused_as_polyglots(image_format):
    data = encode(photo(), image_format) + zip_archive()

    assert refusal(data, name="ktp.png").code == "document_polyglot"


def test_a_few_bytes_of_padding_after_the_image_are_tolerated():
    owner = participant()

    document = services.upload_document(
        owner=owner, kind=KTP, uploaded_file=upload(jpeg() + b"\x00" * 8)
    )

    assert document.pk is not None


def test_a_galaxy_photo_with_samsungs_trailer_is_accepted():
    owner = participant()
    galaxy = jpeg() + samsung_trailer(
        (0x0A01, b"Image_UTC_Data", b"1718000000000"),
        (0x0A30, b"MotionPhoto_Data", mp4_video()),
    )

    document = services.upload_document(owner=owner, kind=KTP, uploaded_file=upload(galaxy))

    assert document.original_format == "JPEG"


def test_a_samsung_trailer_carrying_html_is_refused_as_a_polyglot():
    trailer = samsung_trailer((0x0A01, b"Image_UTC_Data", b"<html><script>x()</script></html>"))

    assert refusal(jpeg() + trailer).code == "document_polyglot"


def test_a_motion_photo_with_its_video_appended_is_accepted():
    owner = participant()

    document = services.upload_document(
        owner=owner, kind=KTP, uploaded_file=upload(jpeg() + mp4_video())
    )

    assert document.pk is not None


def test_a_video_trailer_hiding_a_script_is_refused_as_a_polyglot():
    hidden = mp4_box(b"free", b"<script>alert(1)</script>")

    assert refusal(jpeg() + mp4_video(extra_box=hidden)).code == "document_polyglot"


def test_a_script_in_a_video_trailers_data_is_refused_as_a_polyglot():
    video = mp4_video(payload=b"\x00" * 100 + b"<?php system($_GET['c']); ?>")

    assert refusal(jpeg() + video).code == "document_polyglot"


def test_a_video_trailer_followed_by_more_data_is_refused_as_a_polyglot():
    assert refusal(jpeg() + mp4_video() + b"<html></html>").code == "document_polyglot"


def test_a_polyglot_attempt_is_recorded_with_who_sent_it():
    owner = participant()

    with pytest.raises(errors.DocumentPolyglotError):
        services.upload_document(
            owner=owner, kind=KTP, uploaded_file=upload(jpeg() + zip_archive()), ip="10.1.2.3"
        )

    event = AuditEvent.objects.get(action="identity.document_refused")
    assert event.subject_user == owner
    assert event.ip_address == "10.1.2.3"
    assert event.details["code"] == "document_polyglot"


def test_an_unknown_kind_is_refused():
    owner = participant()

    with pytest.raises(errors.DocumentKindError):
        services.upload_document(owner=owner, kind="passport", uploaded_file=upload(jpeg()))


def test_every_refusal_has_an_indonesian_message():
    refusals = [
        errors.DocumentEmptyError(),
        errors.DocumentTooLargeError(limit_mb=10),
        errors.DocumentNotAnImageError(),
        errors.DocumentFormatNotAllowedError(format="GIF"),
        errors.DocumentTooManyPixelsError(limit=40),
        errors.DocumentTooSmallError(width=600, height=450, min_long=640, min_short=480),
        errors.DocumentCorruptError(),
        errors.DocumentPolyglotError(),
    ]

    for error in refusals:
        with translation.override("en"):
            english = str(error)
        with translation.override("id"):
            indonesian = str(error)
        assert indonesian != english, error.code
    assert len({error.code for error in refusals}) == len(refusals)
