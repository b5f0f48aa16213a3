"""The demo holds registrants at every step of the journey, over real regions, and a
marketplace: platforms with credentials, providers, a catalogue in Indonesian, and card
holders who bought, completed and reviewed trainings."""

import datetime as dt
import re

import pytest
from django.contrib.auth import authenticate
from django.utils import timezone

from bekal.accounts.models import User
from bekal.accounts.partner_clients import get_live_credential
from bekal.cards.models import Card
from bekal.cards.selectors import get_card, get_card_balance
from bekal.core.models import AuditEvent
from bekal.marketplace.models import (
    Category,
    Course,
    CourseSession,
    Format,
    Platform,
    Provider,
    Purchase,
    Review,
)
from bekal.marketplace.selectors import CatalogueFilter, search_catalogue
from bekal.participants.journey import StepState, get_journey
from bekal.programmes.models import Wave, WaveOpeningAnnouncement
from bekal.programmes.selectors import get_open_waves
from bekal.registration.models import IdentityCheck
from bekal.web.devtools.demo_catalogue import CREDENTIALS
from bekal.web.devtools.demo_data import CARD_HOLDER, PARTICIPANT, load_demo_data
from bekal.web.devtools.demo_registrants import STAGES, create_demo_registrants
from tests.identity.documents_support import use_tmp_document_storage

pytestmark = pytest.mark.django_db


def test_demo_registrants_cover_every_step_of_the_journey(registry_file, settings, tmp_path):
    use_tmp_document_storage(settings, tmp_path)

    people = create_demo_registrants(regencies=("17.71",))

    assert [p.stage for p in people] == list(STAGES)
    by_stage = {p.stage: User.objects.get(email=p.email) for p in people}
    assert not by_stage["signed_up"].email_confirmed
    assert by_stage["profile_mismatch"].registration_profile.identity_check.status == (
        IdentityCheck.Status.MISMATCH
    )
    assert by_stage["profile_not_found"].registration_profile.identity_check.status == (
        IdentityCheck.Status.NOT_FOUND
    )
    assert get_journey(user=by_stage["complete"]).registration_complete
    phone_state = {s.key: s.state for s in get_journey(user=by_stage["phone"]).steps}
    assert phone_state["phone"] == StepState.DONE
    assert phone_state["declaration"] == StepState.TODO
    assert {p.regency for p in people} == {"17.71"}


def test_creating_the_demo_twice_adds_nobody(registry_file, settings, tmp_path):
    use_tmp_document_storage(settings, tmp_path)
    create_demo_registrants(regencies=("64.74",))

    again = create_demo_registrants(regencies=("64.74",))

    assert again == []


# --- the marketplace of the demo ---------------------------------------------------------

#: One regency of demo registrants keeps the loading quick; the catalogue is whole.
REGENCIES = ("17.71",)
INDONESIAN = re.compile(r"\b(dan|untuk|yang|dengan|di|dari)\b")


@pytest.fixture
def demo(registry_file, settings, tmp_path):
    use_tmp_document_storage(settings, tmp_path)
    return load_demo_data(regencies=REGENCIES)


def test_the_demo_holds_platforms_providers_and_a_catalogue_in_indonesian(demo):
    assert Platform.objects.count() >= 5
    assert Provider.objects.count() >= 15
    published = Course.objects.filter(status=Course.Status.APPROVED)
    assert published.count() >= 40
    assert all(INDONESIAN.search(c.description) for c in published)
    assert {c.category for c in published} == set(Category.values)
    assert {c.format for c in published} == set(Format.values)
    assert Course.objects.filter(status=Course.Status.SUBMITTED).exists()
    assert Course.objects.filter(status=Course.Status.REJECTED).exclude(decision_note="").exists()
    found = search_catalogue(filters=CatalogueFilter(query="Excel"))
    assert "Microsoft Excel untuk Pemula" in [c.title for c in found]


def test_every_live_or_in_person_course_of_the_demo_has_sessions_ahead(demo):
    live = Course.objects.filter(status=Course.Status.APPROVED).exclude(format=Format.SELF_PACED)

    assert live.exists()
    for course in live:
        assert course.sessions.filter(starts_at__gt=timezone.now()).exists(), course.title


def test_the_demo_schedules_new_sessions_once_the_old_ones_have_passed(demo):
    # given every session of the demo is over: scheduled as if the demo ran 60 days ago
    for session in CourseSession.objects.all():
        starts = session.starts_at - dt.timedelta(days=60)
        CourseSession.objects.filter(pk=session.pk).update(
            external_id=timezone.localtime(starts).strftime("%Y%m%d-%H%M"),
            starts_at=starts,
            ends_at=session.ends_at - dt.timedelta(days=60),
        )
    # when the demo is loaded again
    load_demo_data(regencies=REGENCIES)
    # then each live or in-person course on sale has sessions ahead again
    live = Course.objects.filter(status=Course.Status.APPROVED).exclude(format=Format.SELF_PACED)
    for course in live:
        assert course.sessions.filter(starts_at__gt=timezone.now()).exists(), course.title


def test_the_demo_platforms_credentials_sign_for_their_platform(demo):
    for credential in CREDENTIALS:
        found = get_live_credential(key_id=credential.key_id)
        assert found is not None
        live, secret = found
        assert secret == credential.secret
        assert live.client.platform.code == credential.platform


def test_the_card_holder_login_holds_an_active_card_with_a_balance(demo):
    person = authenticate(email=CARD_HOLDER.email, password=CARD_HOLDER.password)

    assert person is not None
    card = get_card(user=person)
    assert card.status == Card.Status.ACTIVE
    assert get_card_balance(card=card) > 0
    assert Purchase.objects.filter(user=person).exists()


def test_the_demo_catalogue_shows_ratings_from_reviews(demo):
    assert Review.objects.count() >= 3
    rated = search_catalogue(filters=CatalogueFilter(min_rating=4))
    assert rated.paginator.count >= 1


def test_the_demo_participant_still_starts_her_registration(demo):
    siti = authenticate(email=PARTICIPANT.email, password=PARTICIPANT.password)

    assert siti is not None
    assert siti.full_name == "Siti Aminah"
    assert siti.email_confirmed
    assert get_journey(user=siti).registration_complete is False
    assert get_card(user=siti) is None


def test_loading_the_demo_twice_adds_nothing(demo):
    def counts():
        return [
            model.objects.count()
            for model in (
                User,
                Platform,
                Provider,
                Course,
                CourseSession,
                Purchase,
                Review,
                Card,
                Wave,
                WaveOpeningAnnouncement,
                AuditEvent,
            )
        ]

    before = counts()
    again = load_demo_data(regencies=REGENCIES)

    assert counts() == before
    assert again == demo


def test_the_demo_has_a_wave_open_to_join_with_its_seed_committed(demo):
    [wave] = get_open_waves()

    assert wave.selection_run.seed_hash
    assert not wave.applications.exists()  # nobody in it yet: a newcomer can join
    # and opening it started telling the demo's registrants who passed the test
    assert WaveOpeningAnnouncement.objects.filter(wave=wave).exists()


def test_the_demo_has_care_tickets_in_every_state(demo):
    from bekal.care.models import Ticket, TicketEscalation
    from bekal.care.selectors import list_queue

    assert set(Ticket.objects.values_list("status", flat=True)) == set(Ticket.Status.values)
    assert set(Ticket.objects.values_list("channel", flat=True)) >= {"web", "phone", "system"}
    assert TicketEscalation.objects.filter(level=100).exists()
    officer = User.objects.get(email="disnaker.kotabengkulu@bekal.example")
    shown = {t.category for t in list_queue(viewer=officer)}
    assert "broker" not in shown and "complaint" in shown  # the broker report is restricted
