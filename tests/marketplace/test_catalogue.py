"""The catalogue: courses submitted by platforms, approved by the office, found by people."""

from __future__ import annotations

import pytest

from bekal.marketplace import errors
from bekal.marketplace.models import Course, Format
from bekal.marketplace.selectors import CatalogueFilter, search_catalogue
from bekal.marketplace.services import catalogue
from bekal.programmes.models import Scheme
from tests.marketplace.factories import course, platform, provider, session_input
from tests.selection.factories import admin

pytestmark = pytest.mark.django_db


def found(**filters):
    return [c.title for c in search_catalogue(filters=CatalogueFilter(**filters)).object_list]


def test_a_submitted_course_is_sold_only_once_approved():
    c = course(approve=False, title="Akuntansi Dasar untuk UMKM")
    assert c.status == Course.Status.SUBMITTED
    assert "Akuntansi Dasar untuk UMKM" not in found()
    catalogue.approve_course(course=c, actor=admin())
    assert "Akuntansi Dasar untuk UMKM" in found()


def test_a_rejection_says_why_and_the_platform_may_correct_and_resubmit():
    c = course(approve=False)
    with pytest.raises(errors.DecisionNoteRequiredError):
        catalogue.reject_course(course=c, actor=admin(), note="  ")
    catalogue.reject_course(course=c, actor=admin(), note="Deskripsi terlalu singkat")
    c.refresh_from_db()
    assert (c.status, c.decision_note) == (Course.Status.REJECTED, "Deskripsi terlalu singkat")
    corrected = catalogue.update_course(course=c, description="Deskripsi lengkap dan jelas.")
    assert corrected.status == Course.Status.SUBMITTED


def test_a_published_course_cannot_be_changed_in_place():
    c = course()
    with pytest.raises(errors.CourseNotEditableError):
        catalogue.update_course(course=c, price=100_000)


def test_a_price_above_the_scheme_cap_is_refused_at_submission_and_at_approval():
    on = platform()
    with pytest.raises(errors.CoursePriceOverCapError):
        course(on=on, price=3_500_001)
    c = course(on=on, price=2_000_000, approve=False)
    Scheme.objects.filter(code="2023").update(max_course_price=1_500_000)
    with pytest.raises(errors.CoursePriceOverCapError):
        catalogue.approve_course(course=c, actor=admin())


def test_an_in_person_course_says_where_and_sessions_start_in_the_future():
    on = platform()
    with pytest.raises(errors.CourseInvalidError):
        catalogue.submit_course(
            platform=on,
            provider_external_id=provider(on).external_id,
            external_id="offline-1",
            title="Las Listrik Dasar",
            description="Praktik las listrik di bengkel.",
            category="trades",
            level="beginner",
            format=Format.OFFLINE,
            price=900_000,
            duration_minutes=960,
        )
    import datetime as dt

    with pytest.raises(errors.SessionInvalidError):
        course(on=on, sessions=[session_input(starts_in=-dt.timedelta(hours=1))])


def test_the_same_course_id_twice_on_a_platform_is_refused():
    on = platform()
    c = course(on=on)
    with pytest.raises(errors.CourseExistsError):
        catalogue.submit_course(
            platform=on,
            provider_external_id=c.provider.external_id,
            external_id=c.external_id,
            title="Judul lain sama sekali",
            description="x",
            category="technology",
            level="beginner",
            format=Format.SELF_PACED,
            price=100_000,
            duration_minutes=60,
        )


def test_search_filters_by_words_format_price_and_region():
    course(title="Microsoft Excel untuk Pemula", price=300_000, format=Format.SELF_PACED)
    course(title="Menjadi MC Profesional", price=900_000)
    course(title="Barista Kedai Kopi", format=Format.OFFLINE, regency_code="17.71", price=700_000)
    course(title="Housekeeping Hotel", format=Format.OFFLINE, regency_code="32.73")

    assert found(query="excel pemula") == ["Microsoft Excel untuk Pemula"]
    assert set(found(format=Format.OFFLINE)) == {"Barista Kedai Kopi", "Housekeeping Hotel"}
    assert "Menjadi MC Profesional" not in found(max_price=800_000)
    # In Bengkulu province: online courses, and in-person ones held there.
    in_bengkulu = set(found(region="17"))
    assert "Barista Kedai Kopi" in in_bengkulu and "Microsoft Excel untuk Pemula" in in_bengkulu
    assert "Housekeeping Hotel" not in in_bengkulu


def test_a_withdrawn_course_leaves_the_catalogue():
    c = course(title="Telemarketing yang Efektif")
    catalogue.withdraw_course(course=c, note="Penyedia berhenti", actor=admin())
    assert "Telemarketing yang Efektif" not in found()
