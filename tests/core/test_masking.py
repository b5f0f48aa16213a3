"""Personal numbers are masked, whatever their separators, in the audit log and in logs."""

import logging

import pytest

from bekal.core.audit import record_event
from bekal.core.masking import mask_numbers
from bekal.core.models import AuditEvent


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("1702184710762841", "1702********2841"),
        ("1702 1847 1076 2841", "1702********2841"),
        ("1702.1847.1076.2841", "1702********2841"),
        ("1702-1847-1076-2841", "1702********2841"),
        ("0812-3456-7890", "********7890"),
        ("+62 812 3456 7890", "*********7890"),
        ("rekening 1234567890123", "rekening *********0123"),
    ],
)
def test_a_personal_number_is_masked_whatever_its_separators(typed, shown):
    assert mask_numbers(typed) == shown


def test_amounts_dates_and_short_numbers_are_left_alone():
    text = "Rp 3.500.000 pada 2026-12-07, gelombang 12, kode 123456"

    assert mask_numbers(text) == text


@pytest.mark.django_db
def test_an_audit_event_keeps_no_clear_number_in_its_details():
    event = record_event(
        action="test.searched", query="1702 1847 1076 2841", nested={"p": ["0812 3456 7890"]}
    )

    stored = AuditEvent.objects.get(pk=event.pk).details
    assert stored == {"query": "1702********2841", "nested": {"p": ["********7890"]}}


def test_a_log_line_and_its_traceback_are_masked_for_every_handler(caplog):
    logger = logging.getLogger("bekal.tests.masking")
    with caplog.at_level(logging.INFO, logger="bekal.tests.masking"):
        logger.info("registry refused %s for %s", "1702 1847 1076 2841", "+62 812-3456-7890")
        try:
            raise ValueError("NIK 1702-1847-1076-2841 is invalid")
        except ValueError:
            logger.exception("check failed")

    text = caplog.text
    assert "1702********2841" in text
    assert "1847" not in text
    assert "3456" not in text
