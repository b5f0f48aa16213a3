"""Opening tickets (idempotently, by the system too), staff scope, and the figures."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bekal.care import attachments, selectors, services
from bekal.care.errors import (
    AttachmentTypeError,
    CategoryError,
    MessageRequiredError,
    TicketNotFoundError,
    TicketResolvedError,
)
from bekal.care.models import Category, Channel, SubjectKind, Ticket, TicketAttachment
from bekal.core.models import AuditEvent
from tests.care.factories import (
    KOTA_BANDUNG,
    citizen,
    fraud_team_member,
    officer,
    regency,
    ticket,
    wib,
)

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


def test_the_same_submission_twice_opens_one_ticket():
    siti = citizen()
    first = services.open_ticket(
        idempotency_key="web:form-1",
        category=Category.INFORMATION,
        body="Kapan gelombang berikutnya dibuka?",
        channel=Channel.WEB,
        citizen=siti,
        region=regency(),
    )
    again = services.open_ticket(
        idempotency_key="web:form-1",
        category=Category.INFORMATION,
        body="Kapan gelombang berikutnya dibuka?",
        channel=Channel.WEB,
        citizen=siti,
        region=regency(),
    )
    assert again.pk == first.pk
    assert Ticket.objects.count() == 1
    assert first.messages.count() == 1
    assert AuditEvent.objects.filter(action="care.ticket_opened").count() == 1


def test_a_system_ticket_is_opened_once_per_event():
    siti = citizen()
    for _ in range(2):
        services.open_system_ticket(
            key="identity_check:7:1",
            citizen=siti,
            category=Category.IDENTITY,
            subject_kind=SubjectKind.IDENTITY_CHECK,
            subject_id="7",
            body="Verifikasi NIK Anda tidak lolos.",
            self_service_url="https://bekal.example/pendaftaran/profil/",
        )
    only = Ticket.objects.get()
    assert (only.channel, only.subject_kind, only.subject_id) == ("system", "identity_check", "7")
    assert only.messages.get().author_kind == "system"


def test_bad_input_is_refused_and_changes_nothing():
    siti = citizen()
    with pytest.raises(MessageRequiredError):
        ticket(siti, body="  ")
    with pytest.raises(CategoryError):
        ticket(siti, category=Category.FIELD_CHECK)  # staff set this one, not the citizen
    with pytest.raises(AttachmentTypeError):
        ticket(siti, attachment=SimpleUploadedFile("a.exe", b"MZ\x90\x00", "image/jpeg"))
    assert not Ticket.objects.exists()


def test_an_attachment_is_stored_encrypted_and_reads_back():
    siti = citizen()
    opened = ticket(siti, attachment=SimpleUploadedFile("bukti.jpg", JPEG, "image/jpeg"))
    stored = TicketAttachment.objects.get(message__ticket=opened)
    with attachments.storage().open(stored.storage_name, "rb") as raw:
        assert JPEG not in raw.read()
    assert attachments.read(stored) == JPEG
    assert selectors.get_attachment(viewer=siti, attachment_id=stored.pk) == stored
    with pytest.raises(TicketNotFoundError):
        selectors.get_attachment(viewer=citizen("lain@contoh.id"), attachment_id=stored.pk)


def test_an_officer_sees_the_tickets_of_their_region_only_and_a_refused_read_is_audited():
    mine = ticket(citizen("a@contoh.id"))
    theirs = ticket(citizen("b@contoh.id"), region=KOTA_BANDUNG)
    budi = officer()

    queue = selectors.list_queue(viewer=budi)
    assert [t.reference for t in queue] == [mine.reference]
    assert selectors.open_ticket_for_staff(viewer=budi, reference=mine.reference).ticket == mine
    with pytest.raises(TicketNotFoundError):
        selectors.open_ticket_for_staff(viewer=budi, reference=theirs.reference)
    with pytest.raises(TicketNotFoundError):
        services.answer_ticket(viewer=budi, reference=theirs.reference, body="Jawaban dari luar.")

    assert AuditEvent.objects.filter(action="care.ticket_opened_by_staff", actor=budi).count() == 1
    assert AuditEvent.objects.filter(action="care.ticket_refused", actor=budi).count() == 2
    assert theirs.messages.count() == 1


def test_fraud_and_broker_tickets_are_seen_only_by_the_restricted_group():
    broker = ticket(category=Category.BROKER, body="Ada joki yang minta uang Rp 200.000.")
    budi = officer()
    assert selectors.list_queue(viewer=budi) == []
    with pytest.raises(TicketNotFoundError):
        selectors.open_ticket_for_staff(viewer=budi, reference=broker.reference)

    team = fraud_team_member(officer("tim@disnaker.id"))
    assert [t.reference for t in selectors.list_queue(viewer=team)] == [broker.reference]


def test_the_queue_puts_the_least_time_left_first():
    later = ticket(citizen("a@contoh.id"), now=wib(2026, 6, 3, 8))
    sooner = ticket(citizen("b@contoh.id"), now=wib(2026, 6, 2, 8))
    dispute = ticket(citizen("c@contoh.id"), category=Category.DISPUTE, now=wib(2026, 5, 29, 8))
    queue = selectors.list_queue(viewer=officer())
    assert [t.pk for t in queue] == [dispute.pk, sooner.pk, later.pk]  # first responses due


def test_a_resolved_ticket_takes_no_reply():
    siti = citizen()
    opened = ticket(siti)
    services.resolve_ticket(viewer=officer(), reference=opened.reference, body="Sudah selesai ya.")
    with pytest.raises(TicketResolvedError):
        services.reply_as_citizen(citizen=siti, reference=opened.reference, body="Belum selesai!")


def test_figures_per_region_count_open_breached_and_the_median_first_response():
    budi = officer()
    answered = []
    for n, hours in enumerate((1, 3, 8)):
        one = ticket(citizen(f"c{n}@contoh.id"), now=wib(2026, 6, 2, 8))
        services.answer_ticket(
            viewer=budi,
            reference=one.reference,
            body="Kami sedang memeriksa.",
            now=wib(2026, 6, 2, 8 + hours),
        )
        answered.append(one)
    ticket(citizen("late@contoh.id"), now=wib(2026, 6, 2, 8))  # never answered
    ticket(citizen("bdg@contoh.id"), region=KOTA_BANDUNG, now=wib(2026, 6, 4, 8))
    services.resolve_ticket(viewer=budi, reference=answered[0].reference, body="Sudah beres ya.")

    figures = {f.region_id: f for f in selectors.ticket_figures_by_region(now=wib(2026, 6, 5, 9))}
    bengkulu, bandung = figures[regency().pk], figures[regency(KOTA_BANDUNG).pk]
    assert bengkulu.region_name == regency().name
    assert (bengkulu.open, bengkulu.breached) == (3, 1)
    assert bengkulu.median_first_response_seconds == 3 * 3600
    assert (bandung.open, bandung.breached) == (1, 0)
    assert bandung.median_first_response_seconds is None


def test_an_officer_opens_a_ticket_from_a_phone_call_for_a_person_without_an_account():
    budi = officer()
    opened = services.open_ticket(
        idempotency_key="phone:call-1",
        category=Category.FIELD_CHECK,
        body="Penelepon melaporkan alamat pelatihan tatap muka tidak ada.",
        channel=Channel.PHONE,
        citizen=None,
        region=budi.region,
        opened_by=budi,
    )
    assert opened.resolution_target_seconds == 60 * 11 * 3600
    assert opened.messages.get().author_kind == "officer"


def test_the_programme_office_sees_every_regions_queue_and_narrows_it_to_one():
    from tests.web.wave_support import programme_officer

    bengkulu = ticket(citizen("a@contoh.id"))
    bandung = ticket(citizen("b@contoh.id"), region=KOTA_BANDUNG)
    office = programme_officer()

    assert {t.pk for t in selectors.list_queue(viewer=office)} == {bengkulu.pk, bandung.pk}
    only = selectors.list_queue(viewer=office, region_id=regency(KOTA_BANDUNG).pk)
    assert [t.pk for t in only] == [bandung.pk]
    counts = {q.region_name: q.open for q in selectors.list_queue_regions(viewer=office)}
    assert counts == {regency().name: 1, regency(KOTA_BANDUNG).name: 1}


def test_a_reference_already_taken_is_drawn_again(monkeypatch):
    first = ticket(citizen("a@contoh.id"))
    drawn = iter([first.reference, "ZZZZZ2"])
    monkeypatch.setattr(services, "_new_reference", lambda: next(drawn))

    second = ticket(citizen("b@contoh.id"))

    assert second.reference == "ZZZZZ2"
    assert Ticket.objects.count() == 2


def test_an_answer_is_told_by_sms_to_a_verified_phone_else_by_email():
    from bekal.notifications.models import OutboxMessage

    with_phone = citizen("a@contoh.id", phone="+6281234560001")
    without = citizen("b@contoh.id")
    budi = officer()
    for person in (with_phone, without):
        opened = ticket(person)
        services.answer_ticket(viewer=budi, reference=opened.reference, body="Sudah kami cek.")

    sms = OutboxMessage.objects.get(user=with_phone, kind="care_ticket_answered")
    email = OutboxMessage.objects.get(user=without, kind="care_ticket_answered")
    assert (sms.channel, email.channel) == ("sms", "email")
    assert email.recipient == "b@contoh.id" and "/bantuan/" in email.body
