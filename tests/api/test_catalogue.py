"""A platform registers its providers and submits courses with sessions; it sees and
changes only its own; writes are idempotent under their Idempotency-Key."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bekal.core.models import AuditEvent
from bekal.marketplace.models import Course
from tests.api.partners import error_of
from tests.marketplace import factories
from tests.selection.factories import admin

pytestmark = pytest.mark.django_db(transaction=True)


def at(days: float, hours: int = 9) -> str:
    moment = timezone.localtime() + dt.timedelta(days=days)
    return moment.replace(hour=hours, minute=0, second=0, microsecond=0).isoformat()


def course_body(external_id: str = "kursus-excel-01", provider: str = "lp-001") -> dict:
    return {
        "external_id": external_id,
        "provider_external_id": provider,
        "title": "Microsoft Excel untuk Administrasi Kantor",
        "description": "Rumus, tabel pivot dan grafik untuk pekerjaan kantor sehari-hari.",
        "category": "office",
        "level": "beginner",
        "format": "webinar",
        "price": 450_000,
        "duration_minutes": 360,
        "sessions": [
            {"external_id": "sesi-1", "starts_at": at(7), "ends_at": at(7, 12), "capacity": 50},
            {"external_id": "sesi-2", "starts_at": at(14), "ends_at": at(14, 12)},
        ],
    }


def register_provider(partner, external_id: str = "lp-001") -> None:
    response = partner.api.post(
        "/providers",
        json={"external_id": external_id, "name": "Lembaga Kursus Cakap", "regency_code": "32.73"},
    )
    assert response.status_code == 201, response.text


def test_a_platform_registers_a_provider_and_submits_a_course(partner):
    # when the platform registers its provider
    provider = partner.api.post(
        "/providers",
        json={"external_id": "lp-001", "name": "Lembaga Kursus Cakap", "regency_code": "32.73"},
    )
    # then the provider is listed under the platform's own id
    assert provider.status_code == 201
    assert provider.json() == {
        "external_id": "lp-001",
        "name": "Lembaga Kursus Cakap",
        "regency_code": "32.73",
    }
    # when it submits a webinar with two sessions
    response = partner.api.post("/courses", json=course_body())
    # then the course waits for the office's approval, with its sessions
    assert response.status_code == 201, response.text
    course = response.json()
    assert course["status"] == "submitted"
    assert course["provider_external_id"] == "lp-001"
    assert course["price"] == 450_000
    assert course["rating"] is None and course["review_count"] == 0
    assert [s["external_id"] for s in course["sessions"]] == ["sesi-1", "sesi-2"]
    assert course["sessions"][0]["capacity"] == 50
    assert course["sessions"][0]["starts_at"].endswith("+07:00")
    # and the office sees it in its queue
    assert Course.objects.get(platform=partner.platform).status == Course.Status.SUBMITTED


def test_a_platform_lists_only_its_own_providers_and_courses(new_partner):
    # given two platforms with a course each
    mine, theirs = new_partner(), new_partner()
    for partner in (mine, theirs):
        register_provider(partner)
        assert partner.api.post("/courses", json=course_body()).status_code == 201
    # when one lists its providers and courses
    providers = mine.api.get("/providers").json()
    courses = mine.api.get("/courses").json()
    # then it sees its own only
    assert [p["external_id"] for p in providers["items"]] == ["lp-001"]
    assert len(courses["items"]) == 1
    assert courses["next_offset"] is None
    assert Course.objects.count() == 2


def test_another_platforms_course_is_not_found(new_partner):
    mine, theirs = new_partner(), new_partner()
    theirs_course = factories.course(on=theirs.platform, approve=False)
    response = mine.api.get(f"/courses/{theirs_course.external_id}")
    assert response.status_code == 404
    assert error_of(response)["code"] == "course_not_found"
    withdraw = mine.api.post(f"/courses/{theirs_course.external_id}/withdraw", json={"note": "x"})
    assert withdraw.status_code == 404
    assert Course.objects.get(pk=theirs_course.pk).status == Course.Status.SUBMITTED


def test_courses_are_listed_by_status_a_page_at_a_time(partner):
    register_provider(partner)
    for n in range(3):
        partner.api.post("/courses", json=course_body(external_id=f"k-{n}"))
    first = partner.api.get("/courses", params={"status": "submitted", "limit": 2}).json()
    second = partner.api.get(
        "/courses", params={"status": "submitted", "limit": 2, "offset": first["next_offset"]}
    ).json()
    approved = partner.api.get("/courses", params={"status": "approved"}).json()
    assert [c["external_id"] for c in first["items"]] == ["k-0", "k-1"]
    assert [c["external_id"] for c in second["items"]] == ["k-2"]
    assert second["next_offset"] is None
    assert approved["items"] == []


def test_a_submitted_course_is_corrected_and_a_published_one_is_not(partner):
    register_provider(partner)
    partner.api.post("/courses", json=course_body())
    corrected = partner.api.patch("/courses/kursus-excel-01", json={"price": 400_000})
    assert corrected.status_code == 200
    assert corrected.json()["price"] == 400_000
    course = Course.objects.get(platform=partner.platform)
    from bekal.marketplace.services.catalogue import approve_course

    approve_course(course=course, actor=admin())
    refused = partner.api.patch("/courses/kursus-excel-01", json={"price": 300_000})
    assert refused.status_code == 409
    assert error_of(refused)["code"] == "course_not_editable"
    assert Course.objects.get(pk=course.pk).price == 400_000


def test_a_field_cannot_be_cleared_with_null(partner):
    register_provider(partner)
    partner.api.post("/courses", json=course_body())
    response = partner.api.patch("/courses/kursus-excel-01", json={"title": None})
    assert response.status_code == 422
    assert error_of(response)["field"] == "title"


def test_a_session_is_added_and_a_published_course_is_withdrawn(partner):
    course = factories.course(on=partner.platform)
    added = partner.api.post(
        f"/courses/{course.external_id}/sessions",
        json={"external_id": "tambahan-1", "starts_at": at(10), "ends_at": at(10, 11)},
    )
    assert added.status_code == 201
    assert added.json()["external_id"] == "tambahan-1"
    withdrawn = partner.api.post(
        f"/courses/{course.external_id}/withdraw", json={"note": "Pengajar berhalangan"}
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["decision_note"] == "Pengajar berhalangan"


def test_a_business_refusal_says_which_field(partner):
    # given a session that ends when it starts: the document cannot say it may not
    register_provider(partner)
    body = course_body()
    body["sessions"][0]["ends_at"] = body["sessions"][0]["starts_at"]
    response = partner.api.post("/courses", json=body)
    # then a rule of the programme refuses it: 409, as the document says (422 is only
    # for requests that break the document)
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "session_invalid"
    assert error["field"] == "ends_at"
    assert not Course.objects.exists()


def test_malformed_input_is_an_invalid_request_with_the_field_path(partner):
    register_provider(partner)
    body = course_body()
    body["sessions"][1]["starts_at"] = "next tuesday"
    response = partner.api.post("/courses", json=body)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid_request"
    assert error["field"] == "sessions.1.starts_at"


def test_a_body_that_is_not_json_is_refused(partner):
    response = partner.api.request("POST", "/providers", content=b"{not json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_json"


def test_a_write_needs_an_idempotency_key(partner):
    response = partner.api.post(
        "/providers", json={"external_id": "a", "name": "A"}, idempotency_key=None
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "idempotency_key_required"


def test_the_same_submission_sent_twice_with_one_key_acts_once(partner):
    register_provider(partner)
    first = partner.api.post("/courses", json=course_body(), idempotency_key="submit-excel-01")
    again = partner.api.post("/courses", json=course_body(), idempotency_key="submit-excel-01")
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again.headers["Idempotent-Replay"] == "true"
    assert "Idempotent-Replay" not in first.headers
    assert Course.objects.filter(platform=partner.platform).count() == 1
    assert AuditEvent.objects.filter(action="marketplace.course_submitted").count() == 1


def test_a_refusal_is_replayed_under_its_key(partner):
    first = partner.api.post("/courses", json=course_body(), idempotency_key="no-provider-yet")
    register_provider(partner)
    again = partner.api.post("/courses", json=course_body(), idempotency_key="no-provider-yet")
    assert first.status_code == again.status_code == 404
    assert error_of(again)["code"] == "provider_not_found"
    assert not Course.objects.exists()


def test_a_key_reused_for_another_body_is_refused(partner):
    register_provider(partner)
    partner.api.post("/courses", json=course_body("k-1"), idempotency_key="one-key")
    response = partner.api.post("/courses", json=course_body("k-2"), idempotency_key="one-key")
    assert response.status_code == 409
    assert error_of(response)["code"] == "idempotency_key_reused"
    assert list(Course.objects.values_list("external_id", flat=True)) == ["k-1"]


def test_keys_belong_to_their_client(new_partner):
    mine, theirs = new_partner(), new_partner()
    for partner in (mine, theirs):
        register_provider(partner)
        response = partner.api.post("/courses", json=course_body(), idempotency_key="shared-key")
        assert response.status_code == 201
    assert Course.objects.count() == 2
