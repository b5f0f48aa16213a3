"""SLA clocks of tickets on a fixed clock: weekend, public holiday, cuti bersama, a pause
while waiting on the citizen, and the escalations at 75% and 100%."""

from __future__ import annotations

import pytest

from bekal.care import services
from bekal.care.escalation import escalate_due_tickets
from bekal.care.models import Category, Ticket, TicketEscalation
from bekal.care.sla import current_clock, resolution_used
from bekal.core.models import AuditEvent
from tests.care.factories import citizen, officer, ticket, wib

pytestmark = pytest.mark.django_db

HOUR = 3600


def test_a_complaint_opened_before_a_long_weekend_is_due_after_it():
    # Wednesday 13 May 2026, 10:00 WIB; Thursday is Ascension Day, Friday its cuti bersama.
    opened = ticket(now=wib(2026, 5, 13, 10))

    # First response: 3 working days of 11 hours.
    assert opened.first_response_due_at == wib(2026, 5, 20, 10)
    assert opened.first_response_warn_at == wib(2026, 5, 19, 12, 45)
    # Resolution of a complaint: 5 working days.
    assert opened.resolution_due_at == wib(2026, 5, 22, 10)


def test_targets_follow_the_category_and_the_settings(settings):
    dispute = ticket(category=Category.DISPUTE, now=wib(2026, 6, 2, 8))
    assert dispute.resolution_target_seconds == 14 * 11 * HOUR

    settings.BEKAL_CARE_RESOLUTION_DAYS = {**settings.BEKAL_CARE_RESOLUTION_DAYS, "complaint": 1}
    settings.BEKAL_CARE_FIRST_RESPONSE_DAYS = 1
    quick = ticket(citizen("lain@contoh.id"), now=wib(2026, 6, 2, 8))
    assert quick.first_response_due_at == wib(2026, 6, 2, 19)
    assert quick.resolution_due_at == wib(2026, 6, 2, 19)


def test_the_clock_stops_while_waiting_on_the_citizen_and_goes_on_where_it_stopped():
    siti = citizen()
    opened = ticket(siti, now=wib(2026, 5, 13, 10))
    budi = officer()

    # Monday 18 May 10:00: the officer asks for a photo of the receipt; 11 h used so far.
    services.answer_ticket(
        viewer=budi,
        reference=opened.reference,
        body="Mohon kirim foto bukti transfer Anda.",
        wait_on_citizen=True,
        now=wib(2026, 5, 18, 10),
    )
    waiting = Ticket.objects.get(pk=opened.pk)
    assert waiting.status == Ticket.Status.WAITING_ON_CITIZEN
    assert waiting.resolution_used_seconds == 11 * HOUR
    assert waiting.resolution_due_at is None
    assert current_clock(waiting, now=wib(2026, 5, 25, 7)).used_seconds == 11 * HOUR

    # A week later Siti replies: 44 h are left, from Monday 25 May 08:00. Wednesday 27 is
    # Eid al-Adha, Thursday its cuti bersama, Monday 1 June Pancasila Day.
    services.reply_as_citizen(
        citizen=siti,
        reference=opened.reference,
        body="Ini foto bukti transfernya.",
        now=wib(2026, 5, 25, 8),
    )
    running = Ticket.objects.get(pk=opened.pk)
    assert running.status == Ticket.Status.IN_PROGRESS
    assert running.resolution_due_at == wib(2026, 6, 2, 19)
    assert resolution_used(running, now=wib(2026, 5, 25, 12)) == 15 * HOUR
    # and her answer is itself awaited: the update clock runs (3 working days)
    assert current_clock(running, now=wib(2026, 5, 25, 12)).clock == "update"


def test_the_first_response_time_is_kept_in_working_time():
    opened = ticket(now=wib(2026, 5, 13, 18))
    services.answer_ticket(
        viewer=officer(),
        reference=opened.reference,
        body="Kami sedang memeriksa data Anda.",
        now=wib(2026, 5, 18, 9),
    )
    answered = Ticket.objects.get(pk=opened.pk)
    assert answered.first_response_working_seconds == 2 * HOUR  # Wed 18-19, Mon 8-9
    assert answered.status == Ticket.Status.IN_PROGRESS


def test_the_sweep_escalates_at_75_and_100_percent_once_each():
    opened = ticket(now=wib(2026, 5, 13, 10))

    assert escalate_due_tickets(now=wib(2026, 5, 19, 12, 44)) == 0
    assert escalate_due_tickets(now=wib(2026, 5, 19, 12, 45)) == 1
    assert escalate_due_tickets(now=wib(2026, 5, 19, 15)) == 0  # already recorded
    assert escalate_due_tickets(now=wib(2026, 5, 20, 10)) == 1

    escalations = list(TicketEscalation.objects.filter(ticket=opened).values_list("clock", "level"))
    assert escalations == [("first_response", 75), ("first_response", 100)]
    assert Ticket.objects.get(pk=opened.pk).breached_at == wib(2026, 5, 20, 10)
    assert AuditEvent.objects.filter(action="care.ticket_escalated").count() == 2


def test_the_resolution_clock_escalates_and_a_paused_ticket_does_not():
    siti = citizen()
    running = ticket(siti, now=wib(2026, 6, 2, 8))
    paused = ticket(citizen("lain@contoh.id"), now=wib(2026, 6, 2, 8))
    budi = officer()
    for one, wait in ((running, False), (paused, True)):
        services.answer_ticket(
            viewer=budi,
            reference=one.reference,
            body="Terima kasih, kami periksa.",
            wait_on_citizen=wait,
            now=wib(2026, 6, 2, 9),
        )

    # 5 working days from Tuesday 2 June 08:00 end on Monday 8 June 19:00 (no holiday).
    assert Ticket.objects.get(pk=running.pk).resolution_due_at == wib(2026, 6, 8, 19)
    escalate_due_tickets(now=wib(2026, 6, 9, 8))

    assert set(TicketEscalation.objects.filter(ticket=running).values_list("clock", "level")) == {
        ("resolution", 75),
        ("resolution", 100),
    }
    assert not TicketEscalation.objects.filter(ticket=paused).exists()


def test_a_ticket_resolved_late_is_marked_breached_and_its_clock_is_gone():
    opened = ticket(now=wib(2026, 6, 2, 8))
    services.resolve_ticket(
        viewer=officer(),
        reference=opened.reference,
        body="Saldo sudah kami periksa dan masuk hari ini.",
        now=wib(2026, 6, 10, 8),
    )
    resolved = Ticket.objects.get(pk=opened.pk)
    assert resolved.status == Ticket.Status.RESOLVED
    assert resolved.breached_at == wib(2026, 6, 10, 8)
    assert current_clock(resolved, now=wib(2026, 6, 11, 8)) is None
    assert escalate_due_tickets(now=wib(2026, 7, 1, 8)) == 0


def test_a_citizens_reply_to_an_answer_starts_the_update_clock_escalated_per_round():
    siti = citizen()
    opened = ticket(siti, now=wib(2026, 6, 2, 8))
    budi = officer()
    services.answer_ticket(
        viewer=budi, reference=opened.reference, body="Kami periksa dulu.", now=wib(2026, 6, 2, 9)
    )
    # Wednesday 3 June 10:00 she writes again: an answer is due in 3 working days.
    services.reply_as_citizen(
        citizen=siti, reference=opened.reference, body="Sudah ada kabar?", now=wib(2026, 6, 3, 10)
    )
    waiting = Ticket.objects.get(pk=opened.pk)
    assert waiting.update_due_at == wib(2026, 6, 8, 10)
    assert waiting.update_warn_at == wib(2026, 6, 5, 12, 45)
    assert current_clock(waiting, now=wib(2026, 6, 4, 10)).clock == "update"

    escalate_due_tickets(now=wib(2026, 6, 8, 10))
    # The officer answers; she writes once more, and the new round escalates on its own.
    services.answer_ticket(
        viewer=budi, reference=opened.reference, body="Masih diproses.", now=wib(2026, 6, 8, 11)
    )
    assert Ticket.objects.get(pk=opened.pk).update_due_at is None
    services.reply_as_citizen(
        citizen=siti, reference=opened.reference, body="Baik, saya tunggu.", now=wib(2026, 6, 8, 12)
    )
    escalate_due_tickets(now=wib(2026, 6, 12, 8))

    update_escalations = list(
        TicketEscalation.objects.filter(ticket=opened, clock="update")
        .order_by("round", "level")
        .values_list("round", "level")
    )
    assert update_escalations == [(1, 75), (1, 100), (2, 75), (2, 100)]
