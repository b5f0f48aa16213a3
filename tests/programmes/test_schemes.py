"""Schemes: the two shipped years, and revisions that keep every old version."""

import datetime as dt

import pytest

from bekal.core.models import AuditEvent
from bekal.programmes import services
from bekal.programmes.errors import (
    SchemeFieldNotRevisableError,
    SchemeInvalidError,
    SchemeUnchangedError,
    SchemeVersionStaleError,
)
from bekal.programmes.models import IncentiveSchedule, Scheme
from bekal.programmes.selectors import get_current_scheme, list_scheme_versions
from tests.programmes.factories import officer

pytestmark = pytest.mark.django_db


def test_the_2020_scheme_ships_with_its_figures():
    scheme = get_current_scheme(code="2020")

    assert scheme.version == 2
    # other social assistance counts "during the pandemic": from the COVID-19 emergency
    assert (scheme.social_assistance_from, scheme.social_assistance_to) == (
        dt.date(2020, 3, 31),
        None,
    )
    first = Scheme.objects.get(code="2020", version=1)
    assert first.social_assistance_from is None  # its waves were decided on closing dates
    assert (scheme.min_age, scheme.max_age) == (18, None)
    assert scheme.training_balance == 1_000_000
    assert scheme.incentives == IncentiveSchedule(
        monthly_amount=600_000, months=4, survey_amount=50_000, survey_count=3
    )
    assert scheme.incentives.total == 2_550_000
    assert scheme.first_purchase_days == 30
    assert scheme.excludes_social_assistance_recipients
    assert scheme.excludes_earlier_recipients
    assert scheme.max_recipients_per_kk == 2
    assert (scheme.test_pass_mark, scheme.test_duration_minutes) == (60, 15)
    assert scheme.test_question_count == 18


def test_the_2023_scheme_ships_with_its_figures():
    scheme = get_current_scheme(code="2023")

    assert (scheme.min_age, scheme.max_age) == (18, 64)
    assert scheme.training_balance == 3_500_000
    assert scheme.incentives == IncentiveSchedule(
        monthly_amount=600_000, months=1, survey_amount=50_000, survey_count=2
    )
    assert scheme.incentives.total == 700_000  # Rp 600,000 once + 2 surveys of Rp 50,000
    assert scheme.first_purchase_days == 15
    assert not scheme.excludes_social_assistance_recipients
    assert scheme.excludes_earlier_recipients
    assert scheme.max_recipients_per_kk == 2


def test_revising_a_scheme_writes_a_new_version_and_keeps_the_old():
    staff = officer()
    v1 = get_current_scheme(code="2023")

    v2 = services.revise_scheme(
        scheme=v1,
        changes={"training_balance": 4_200_000, "valid_from": dt.date(2024, 1, 1)},
        actor=staff,
        note="Perpres baru",
    )

    assert (v2.code, v2.version, v2.training_balance) == ("2023", v1.version + 1, 4_200_000)
    assert v2.max_age == 64  # what was not changed is carried over
    assert get_current_scheme(code="2023") == v2
    v1.refresh_from_db()
    assert v1.training_balance == 3_500_000
    assert list(list_scheme_versions(code="2023"))[:2] == [v2, v1]
    event = AuditEvent.objects.get(action="programmes.scheme_revised")
    assert event.actor == staff
    assert event.details["changes"] == {
        "training_balance": [3_500_000, 4_200_000],
        "valid_from": ["2023-01-01", "2024-01-01"],
    }


def test_an_old_version_cannot_be_revised():
    v1 = get_current_scheme(code="2020")
    services.revise_scheme(scheme=v1, changes={"first_purchase_days": 20}, actor=None)

    with pytest.raises(SchemeVersionStaleError):
        services.revise_scheme(scheme=v1, changes={"first_purchase_days": 25}, actor=None)

    assert Scheme.objects.filter(code="2020").count() == 3


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({}, SchemeUnchangedError),
        ({"training_balance": 3_500_000}, SchemeUnchangedError),
        ({"code": "2024"}, SchemeFieldNotRevisableError),
        ({"max_age": 17}, SchemeInvalidError),
        ({"test_pass_mark": 101}, SchemeInvalidError),
        (
            {
                "social_assistance_from": dt.date(2023, 6, 1),
                "social_assistance_to": dt.date(2023, 1, 1),
            },
            SchemeInvalidError,
        ),
        ({"incentive_schedule": {"monthly": {"amount": 600_000}}}, SchemeInvalidError),
        (
            {
                "incentive_schedule": {
                    "monthly": {"amount": 1.5, "months": 1},
                    "survey": {"amount": 0, "count": 0},
                }
            },
            SchemeInvalidError,
        ),
    ],
)
def test_a_bad_revision_is_refused_and_changes_nothing(changes, error):
    scheme = get_current_scheme(code="2023")
    versions = Scheme.objects.filter(code="2023").count()

    with pytest.raises(error):
        services.revise_scheme(scheme=scheme, changes=changes, actor=None)

    assert Scheme.objects.filter(code="2023").count() == versions
    assert not AuditEvent.objects.filter(action="programmes.scheme_revised").exists()


def test_the_admin_saves_a_revision_as_a_new_version_and_shows_old_ones_read_only(client):
    from bekal.accounts.models import User

    admin = User.objects.create_superuser(email="admin@contoh.id", password="rahasia-admin-1")
    client.force_login(admin)
    v1 = get_current_scheme(code="2023")
    form = client.get(f"/admin/programmes/scheme/{v1.pk}/change/").context["adminform"].form
    data = {k: form[k].value() for k in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["training_balance"] = "3750000"
    data["revision_note"] = "Kenaikan biaya pelatihan"
    for flag in ("excludes_social_assistance_recipients", "excludes_earlier_recipients"):
        if not data[flag]:
            data.pop(flag)

    response = client.post(f"/admin/programmes/scheme/{v1.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    v2 = get_current_scheme(code="2023")
    assert (v2.version, v2.training_balance, v2.revised_by) == (v1.version + 1, 3_750_000, admin)
    v1.refresh_from_db()
    assert v1.training_balance == 3_500_000
    old_page = client.get(f"/admin/programmes/scheme/{v1.pk}/change/")
    assert old_page.status_code == 200
    assert b'name="training_balance"' not in old_page.content
