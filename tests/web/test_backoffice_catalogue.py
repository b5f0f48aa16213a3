"""The programme office curates the catalogue and the platforms' API credentials in the
back office."""

import html
import re

import pytest

from bekal.accounts.models import PartnerCredential, User
from bekal.accounts.partner_clients import get_live_credential, issue_credential
from bekal.marketplace.errors import (
    CoursePriceOverCapError,
    DecisionNoteRequiredError,
    PlatformExistsError,
)
from bekal.marketplace.models import Course, Format, Platform
from bekal.marketplace.selectors import CatalogueFilter, search_catalogue
from bekal.marketplace.services.purchases import purchase_course
from bekal.programmes.selectors import get_scheme_in_force
from bekal.programmes.services import revise_scheme
from bekal.regions.models import Regency
from tests.marketplace.factories import card_holder, course, platform
from tests.selection.factories import admin

pytestmark = pytest.mark.django_db

CATALOGUE = "/kantor/katalog/"
PLATFORMS = "/kantor/platform/"


@pytest.fixture
def office(client):
    client.force_login(admin())
    return client


def decide(client, c, action, note="", tab="submitted"):
    return client.post(
        f"{CATALOGUE}?status={tab}", {"course": c.pk, "action": action, "note": note}
    )


def in_catalogue(title):
    return [c.title for c in search_catalogue(filters=CatalogueFilter(query=title))]


def shows(page, text):
    return html.escape(str(text)) in page.content.decode()


def test_the_queue_shows_a_submitted_course_with_its_price_against_the_cap(office):
    # given a webinar waiting for approval
    waiting = course(approve=False, title="Akuntansi Dasar untuk UMKM", price=750_000)
    # when the office opens the catalogue
    page = office.get(CATALOGUE)
    # then the queue shows it, with its platform, provider, price and the cap in force
    assert page.status_code == 200
    assert shows(page, "Akuntansi Dasar untuk UMKM")
    assert shows(page, waiting.platform.name)
    assert shows(page, waiting.provider.name)
    assert shows(page, "Rp 750.000")
    assert shows(page, "Rp 3.500.000")


def test_approving_a_course_publishes_it_in_the_catalogue(office):
    waiting = course(approve=False, title="Menjadi MC Profesional")
    assert in_catalogue("Menjadi MC") == []

    answer = decide(office, waiting, "approve")

    assert answer.status_code == 302
    assert in_catalogue("Menjadi MC") == ["Menjadi MC Profesional"]
    assert office.get(answer.url).content.decode().count("Menjadi MC Profesional") >= 1


def test_rejecting_without_a_note_is_refused_and_changes_nothing(office):
    waiting = course(approve=False, title="Housekeeping Hotel")

    answer = decide(office, waiting, "reject", note="  ")

    assert answer.status_code == 422
    assert shows(answer, DecisionNoteRequiredError())
    waiting.refresh_from_db()
    assert waiting.status == Course.Status.SUBMITTED
    assert waiting.decided_at is None


def test_a_rejected_course_is_listed_with_the_note_its_platform_reads(office):
    waiting = course(approve=False, title="Telemarketing yang Efektif")

    decide(office, waiting, "reject", note="Lengkapi silabus per sesi.")

    page = office.get(f"{CATALOGUE}?status=rejected")
    assert shows(page, "Telemarketing yang Efektif")
    assert shows(page, "Lengkapi silabus per sesi.")
    assert in_catalogue("Telemarketing") == []


def test_a_course_priced_above_the_cap_in_force_cannot_be_approved(office):
    # given a course at Rp 2.000.000, then the scheme's cap lowered to Rp 1.500.000
    dear = course(approve=False, title="Las Listrik Dasar", price=2_000_000)
    revise_scheme(scheme=get_scheme_in_force(), changes={"max_course_price": 1_500_000}, actor=None)
    # the queue flags it
    assert shows(office.get(CATALOGUE), "Rp 1.500.000")
    # when the office approves it
    answer = decide(office, dear, "approve")
    # then it is refused with the reason, and stays waiting
    assert answer.status_code == 422
    refusal = CoursePriceOverCapError(price="Rp 2.000.000", cap="Rp 1.500.000")
    assert shows(answer, refusal)
    dear.refresh_from_db()
    assert dear.status == Course.Status.SUBMITTED
    assert in_catalogue("Las Listrik") == []


def test_withdrawing_a_published_course_needs_a_note_and_stops_its_sale(office):
    on_sale = course(title="Budidaya Lele Bioflok")

    refused = decide(office, on_sale, "withdraw", note="", tab="approved")
    assert refused.status_code == 422
    assert in_catalogue("Budidaya Lele") == ["Budidaya Lele Bioflok"]

    done = decide(office, on_sale, "withdraw", note="Penyedia berhenti beroperasi.", tab="approved")

    assert done.status_code == 302
    assert in_catalogue("Budidaya Lele") == []
    page = office.get(f"{CATALOGUE}?status=withdrawn")
    assert shows(page, "Penyedia berhenti beroperasi.")


def test_an_in_person_course_shows_where_it_is_held(office):
    course(approve=False, format=Format.OFFLINE, regency_code="32.73", title="Barista Pemula")

    page = office.get(CATALOGUE)

    assert shows(page, Regency.objects.get(code="32.73").name)


def test_a_regional_officer_cannot_reach_the_catalogue_or_the_platforms(client):
    waiting = course(approve=False)
    officer = User.objects.create_user(
        email="disnaker@bekal.example",
        password=None,
        full_name="Petugas Disnaker",
        role=User.Role.REGIONAL_OFFICER,
        region=Regency.objects.get(code="17.71"),
    )
    client.force_login(officer)

    assert client.get(CATALOGUE).status_code == 403
    assert client.get(PLATFORMS).status_code == 403
    assert decide(client, waiting, "approve").status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == Course.Status.SUBMITTED


def test_someone_logged_out_is_sent_to_log_in(client):
    answer = client.get(CATALOGUE)

    assert answer.status_code == 302
    assert answer.url.startswith("/masuk/")


def test_the_office_registers_a_platform(office):
    answer = office.post(
        PLATFORMS, {"code": "serambi-belajar", "name": "Serambi Belajar", "website": ""}
    )

    assert answer.status_code == 302
    created = Platform.objects.get(code="serambi-belajar")
    assert created.client.name == "Serambi Belajar"
    assert shows(office.get(PLATFORMS), "Serambi Belajar")


def test_a_platform_code_already_taken_is_refused(office):
    platform(code="kelas-terampil")

    answer = office.post(PLATFORMS, {"code": "kelas-terampil", "name": "Kelas Lain"})

    # A conflict with what exists, as the partner API answers it too.
    assert answer.status_code == 409
    assert shows(answer, PlatformExistsError())
    assert Platform.objects.filter(code="kelas-terampil").count() == 1


def test_a_platform_code_with_spaces_is_refused(office):
    answer = office.post(PLATFORMS, {"code": "kelas terampil", "name": "Kelas Terampil"})

    assert answer.status_code == 400
    assert not Platform.objects.filter(name="Kelas Terampil").exists()


def test_a_new_credential_is_shown_once_and_then_authenticates(office):
    # given a platform
    registered = platform(name="Mahir Digital")
    # when the office issues it a credential
    answer = office.post(f"{PLATFORMS}{registered.pk}/kredensial/")
    # then the page shows the key id and the secret, and nobody caches it
    page = answer.content.decode()
    key_id = re.search(r'<code class="key-id">([^<]+)</code>', page).group(1)
    secret = re.search(r'<code class="secret">([^<]+)</code>', page).group(1)
    assert "no-store" in answer["Cache-Control"]
    # and the credential signs for that platform with that secret
    credential, stored_secret = get_live_credential(key_id=key_id)
    assert stored_secret == secret
    assert credential.client == registered.client
    # and the platforms page lists the key id, never the secret again
    listing = office.get(PLATFORMS).content.decode()
    assert key_id in listing
    assert secret not in listing


def test_issuing_a_credential_needs_a_post(office):
    registered = platform()

    answer = office.get(f"{PLATFORMS}{registered.pk}/kredensial/")

    assert answer.status_code == 405
    assert not PartnerCredential.objects.filter(client=registered.client).exists()


def test_a_revoked_credential_no_longer_authenticates(office):
    registered = platform()
    issued = issue_credential(client=registered.client)
    assert get_live_credential(key_id=issued.key_id) is not None

    answer = office.post(f"{PLATFORMS}kredensial/{issued.credential.pk}/cabut/")

    assert answer.status_code == 302
    assert get_live_credential(key_id=issued.key_id) is None
    listing = office.get(PLATFORMS).content.decode()
    assert issued.key_id in listing
    assert f"{PLATFORMS}kredensial/{issued.credential.pk}/cabut/" not in listing


def test_the_admin_shows_purchases_with_the_voucher_code_masked_and_read_only(client):
    # given a card holder's purchase
    person, _card = card_holder()
    bought = purchase_course(
        user=person, course_id=course(format=Format.SELF_PACED).pk, idempotency_key="admin-test-1"
    )
    client.force_login(
        User.objects.create_superuser(email="root@bekal.example", password=None, full_name="Root")
    )
    # when the admin lists and opens it
    listing = client.get("/admin/marketplace/purchase/").content.decode()
    opened = client.get(f"/admin/marketplace/purchase/{bought.pk}/change/").content.decode()
    # then only the last four characters of the code show, and nothing can be changed
    for page in (listing, opened):
        assert f"XXXX-XXXX-{bought.voucher_code[-4:]}" in page
        assert bought.voucher_code not in page
        assert bought.voucher_display not in page
    assert client.get("/admin/marketplace/purchase/add/").status_code == 403
    assert client.post(f"/admin/marketplace/course/{bought.course_id}/delete/").status_code == 403
