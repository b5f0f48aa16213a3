"""The documents page and the image views, as a participant's browser sees them."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from bekal.core.models import AuditEvent
from bekal.identity import services
from bekal.identity.documents import errors
from bekal.identity.models import IdentityDocument
from tests.identity.documents_support import (
    jpeg,
    participant,
    png_declaring,
    programme_officer,
    upload,
    use_tmp_document_storage,
    zip_archive,
)

pytestmark = pytest.mark.django_db

PAGE = reverse("portal:documents_upload")
KTP = IdentityDocument.Kind.KTP_PHOTO
SELFIE = IdentityDocument.Kind.SELFIE_WITH_KTP


@pytest.fixture(autouse=True)
def storage_dir(settings, tmp_path):
    return use_tmp_document_storage(settings, tmp_path)


@pytest.fixture
def siti(client):
    user = participant()
    client.force_login(user)
    return user


def post(client, **files):
    return client.post(
        PAGE,
        {kind: upload(data, name=f"{kind}.jpg") for kind, data in files.items()},
        HTTP_ACCEPT_LANGUAGE="id",
    )


def in_indonesian(error):
    with translation.override("id"):
        return escape(str(error))


def test_the_page_opens_the_back_camera_for_the_card_and_the_front_one_for_the_selfie(client, siti):
    response = client.get(PAGE)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="ktp_photo" accept="image/*" capture="environment"' in html
    assert 'name="selfie_with_ktp" accept="image/*" capture="user"' in html
    assert 'enctype="multipart/form-data"' in html
    assert "no-store" in response["Cache-Control"]


def test_both_photos_uploaded_at_once_are_stored_and_shown(client, siti):
    response = post(client, ktp_photo=jpeg(1), selfie_with_ktp=jpeg(2))

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    for document in IdentityDocument.objects.filter(owner=siti):
        assert reverse("portal:documents_thumbnail", args=[document.pk]) in page
    assert '<progress id="doc-progress" class="doc-progress" value="2" max="2">' in page


def test_a_polyglot_is_refused_with_a_400_and_a_clear_message(client, siti):
    response = post(client, ktp_photo=jpeg() + zip_archive())

    assert response.status_code == 400
    assert in_indonesian(errors.DocumentPolyglotError()) in response.content.decode()
    assert not IdentityDocument.objects.exists()


def test_a_huge_png_is_refused_with_a_400(client, siti):
    response = post(client, ktp_photo=png_declaring(100_000, 100_000))

    assert response.status_code == 400
    assert in_indonesian(errors.DocumentTooManyPixelsError(limit=40)) in response.content.decode()


def test_a_text_file_named_jpg_is_refused_with_a_400(client, siti):
    response = post(client, ktp_photo=b"bukan foto")

    assert response.status_code == 400
    assert in_indonesian(errors.DocumentNotAnImageError()) in response.content.decode()


def test_a_refused_selfie_does_not_lose_the_accepted_ktp_photo(client, siti):
    response = post(client, ktp_photo=jpeg(1), selfie_with_ktp=b"bukan foto")

    assert response.status_code == 400
    html = response.content.decode()
    assert in_indonesian(errors.DocumentNotAnImageError()) in html
    ktp = IdentityDocument.objects.get(owner=siti)
    assert ktp.kind == KTP
    assert reverse("portal:documents_thumbnail", args=[ktp.pk]) in html


def test_submitting_no_photo_asks_for_one(client, siti):
    response = client.post(PAGE, {}, HTTP_ACCEPT_LANGUAGE="id")

    assert response.status_code == 400
    with translation.override("id"):
        expected = escape(_("Choose a photo of your KTP, a selfie holding your KTP, or both."))
    assert expected in response.content.decode()
    assert not IdentityDocument.objects.exists()


def test_the_owner_gets_the_image_privately_and_never_cached(client, siti):
    document = services.upload_document(owner=siti, kind=KTP, uploaded_file=upload(jpeg()))

    for name in ("portal:documents_image", "portal:documents_thumbnail"):
        response = client.get(reverse(name, args=[document.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response.content.startswith(b"\xff\xd8\xff")
        assert response["Cache-Control"].startswith("private, no-store")


def test_another_participant_gets_a_404_as_for_a_missing_document(client, siti):
    document = services.upload_document(owner=siti, kind=KTP, uploaded_file=upload(jpeg()))
    client.force_login(participant(email="budi@contoh.id", full_name="Budi"))

    response = client.get(reverse("portal:documents_image", args=[document.pk]))
    missing = client.get(reverse("portal:documents_image", args=[document.pk + 1000]))

    assert response.status_code == missing.status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    owner = participant()
    document = services.upload_document(owner=owner, kind=KTP, uploaded_file=upload(jpeg()))

    image = client.get(reverse("portal:documents_image", args=[document.pk]))
    page = client.get(PAGE)

    assert image.status_code == page.status_code == 302
    assert reverse("portal:login") in image["Location"]


def test_a_programme_officer_sees_the_image_and_the_read_is_audited(client):
    owner = participant()
    document = services.upload_document(owner=owner, kind=SELFIE, uploaded_file=upload(jpeg()))
    officer = programme_officer()
    client.force_login(officer)

    response = client.get(reverse("portal:documents_image", args=[document.pk]))

    assert response.status_code == 200
    event = AuditEvent.objects.get(action="identity.document_viewed")
    assert (event.actor, event.subject_user) == (officer, owner)


def test_the_upload_page_is_for_confirmed_participants_only(client):
    client.force_login(programme_officer())

    assert client.get(PAGE).status_code == 403


def test_a_deleted_photo_answers_410(client, siti):
    document = services.upload_document(owner=siti, kind=KTP, uploaded_file=upload(jpeg(1)))
    services.upload_document(owner=siti, kind=KTP, uploaded_file=upload(jpeg(2)))

    response = client.get(reverse("portal:documents_image", args=[document.pk]))

    assert response.status_code == 410
