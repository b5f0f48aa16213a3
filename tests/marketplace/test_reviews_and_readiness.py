"""Reviews of completed trainings, and what stands before the first incentive."""

from __future__ import annotations

import pytest

from bekal.marketplace import errors
from bekal.marketplace.models import Course, Format
from bekal.marketplace.selectors import get_certificate_check, get_incentive_readiness
from bekal.marketplace.services.purchases import purchase_course
from bekal.marketplace.services.reviews import submit_review
from bekal.marketplace.services.vouchers import record_completion, redeem_voucher
from tests.marketplace.factories import card_holder, course

pytestmark = pytest.mark.django_db


def completed_training(person=None):
    if person is None:
        person, _card = card_holder()
    c = course(format=Format.SELF_PACED)
    purchase = purchase_course(user=person, course_id=c.pk, idempotency_key=f"completed-{c.pk}")
    redeem_voucher(platform=purchase.platform, voucher_code=purchase.voucher_code)
    completion = record_completion(
        platform=purchase.platform,
        voucher_code=purchase.voucher_code,
        certificate_number=f"CERT-{purchase.pk}",
        evidence={"progress_percent": 100, "final_test_score": 90},
    )
    return person, purchase, completion


def steps(person):
    return {step.code: step.done for step in get_incentive_readiness(user=person).steps}


def test_the_incentive_waits_for_a_purchase_a_completion_and_a_review():
    person, _card = card_holder()
    assert steps(person) == {"buy": False, "complete": False, "review": False}
    person, purchase, _ = completed_training(person)
    assert steps(person) == {"buy": True, "complete": True, "review": False}
    assert not get_incentive_readiness(user=person).ready

    submit_review(user=person, purchase_id=purchase.pk, rating=5, comment="Sangat bermanfaat")

    assert get_incentive_readiness(user=person).ready


def test_a_review_updates_the_course_rating():
    first, purchase, _ = completed_training()
    submit_review(user=first, purchase_id=purchase.pk, rating=4)
    second, _card = card_holder()
    other = purchase_course(
        user=second, course_id=purchase.course_id, idempotency_key="second-buyer"
    )
    redeem_voucher(platform=other.platform, voucher_code=other.voucher_code)
    record_completion(
        platform=other.platform,
        voucher_code=other.voucher_code,
        certificate_number="CERT-OTHER",
        evidence={"progress_percent": 100, "final_test_score": 60},
    )
    submit_review(user=second, purchase_id=other.pk, rating=5)
    c = Course.objects.get(pk=purchase.course_id)
    assert (c.review_count, c.rating) == (2, 4.5)


def test_a_training_not_completed_cannot_be_reviewed():
    person, _card = card_holder()
    c = course(format=Format.SELF_PACED)
    purchase = purchase_course(user=person, course_id=c.pk, idempotency_key="not-done-1")
    with pytest.raises(errors.ReviewNotAllowedError):
        submit_review(user=person, purchase_id=purchase.pk, rating=5)


def test_a_training_is_reviewed_once_and_only_by_its_buyer():
    person, purchase, _ = completed_training()
    stranger, _card = card_holder()
    with pytest.raises(errors.PurchaseNotFoundError):
        submit_review(user=stranger, purchase_id=purchase.pk, rating=1)
    submit_review(user=person, purchase_id=purchase.pk, rating=3)
    with pytest.raises(errors.ReviewExistsError):
        submit_review(user=person, purchase_id=purchase.pk, rating=5)


@pytest.mark.parametrize("rating", [0, 6, "5", 4.5])
def test_a_rating_is_one_to_five_stars(rating):
    person, purchase, _ = completed_training()
    with pytest.raises(errors.ReviewInvalidError):
        submit_review(user=person, purchase_id=purchase.pk, rating=rating)


def test_the_certificate_check_reveals_initials_not_the_name():
    person, purchase, completion = completed_training()
    person.full_name = "Siti Nur Aminah"
    person.save()
    check = get_certificate_check(token=completion.verification_token)
    assert check.holder_initials == "S. N. A."
    assert check.certificate_number == completion.certificate_number
    assert check.course == purchase.course.title
    with pytest.raises(errors.CertificateNotFoundError):
        get_certificate_check(token="0" * 32)
