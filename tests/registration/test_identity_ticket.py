"""A refused identity check opens one care ticket with the link to fix the profile."""

from __future__ import annotations

import pytest

from bekal.care.models import Ticket
from bekal.identity.registry import Outcome, RegistryAnswer
from bekal.registration import selectors, services
from bekal.registration.models import IdentityCheck
from tests.registration.factories import participant, submit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("empty_queue")]


def test_a_mismatch_opens_a_ticket_in_the_citizens_region_with_a_link_to_the_profile(
    worker, registry_file
):
    siti = participant()
    submit(siti, full_name="Siti Aminah Putri")

    worker()

    check = selectors.get_identity_check(user=siti)
    assert check.status == IdentityCheck.Status.MISMATCH
    ticket = Ticket.objects.get(citizen=siti)
    assert (ticket.channel, ticket.category) == ("system", "identity")
    assert (ticket.subject_kind, ticket.subject_id) == ("identity_check", str(check.pk))
    assert ticket.self_service_url.endswith("/pendaftaran/profil/")
    assert ticket.region == check.profile.domicile_regency
    body = ticket.messages.get().body
    assert "nama lengkap" in body and "/pendaftaran/profil/" in body


def test_the_same_answer_recorded_twice_opens_one_ticket(registry_file):
    siti = participant()
    check = submit(siti).identity_check
    answer = RegistryAnswer(outcome=Outcome.NOT_FOUND)
    services.record_identity_answer(check_id=check.pk, round_asked=check.round, answer=answer)
    IdentityCheck.objects.filter(pk=check.pk).update(status=IdentityCheck.Status.PENDING)
    services.record_identity_answer(check_id=check.pk, round_asked=check.round, answer=answer)

    assert Ticket.objects.filter(citizen=siti).count() == 1


def test_a_second_refusal_while_the_ticket_is_open_adds_no_ticket_and_a_pass_resolves_it(
    registry_file,
):
    siti = participant()
    check = submit(siti).identity_check
    services.record_identity_answer(
        check_id=check.pk, round_asked=check.round, answer=RegistryAnswer(Outcome.NOT_FOUND)
    )
    check = submit(siti, full_name="Siti Aminah Putri").identity_check  # a new round
    services.record_identity_answer(
        check_id=check.pk,
        round_asked=check.round,
        answer=RegistryAnswer(Outcome.MISMATCH, mismatched_fields=("full_name",)),
    )
    assert Ticket.objects.filter(citizen=siti).count() == 1

    check = submit(siti).identity_check  # corrected
    services.record_identity_answer(
        check_id=check.pk, round_asked=check.round, answer=RegistryAnswer.match()
    )
    ticket = Ticket.objects.get(citizen=siti)
    assert ticket.status == Ticket.Status.RESOLVED
    closing = ticket.messages.order_by("created_at", "id").last()
    assert closing.author_kind == "system"
    assert closing.body.startswith("Verifikasi identitas Anda sudah lolos")
