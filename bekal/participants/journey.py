"""The participant's journey, step by step, as the home page shows it.

Composes what each part knows (account, profile and identity check, documents, phone,
declaration) into one list of steps, each with its state, why it was refused, and what
to do next. Read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from bekal.accounts.models import User
from bekal.accounts.selectors import get_phone_status
from bekal.assessment.selectors import get_latest_attempt, has_passed
from bekal.cards.models import Card
from bekal.cards.selectors import get_card
from bekal.identity.selectors import get_documents
from bekal.programmes.selectors import list_applications
from bekal.registration.models import IdentityCheck
from bekal.registration.selectors import (
    get_declaration,
    get_identity_check,
    get_profile,
    is_registration_complete,
)
from bekal.selection.selectors import get_published_result


class StepState(StrEnum):
    DONE = "done"
    #: Bekal is working on it (the registry check); nothing for the person to do.
    WAITING = "waiting"
    #: The person's turn.
    TODO = "todo"
    #: Refused: the person must correct something (see the step's detail).
    REFUSED = "refused"
    #: Opens after earlier steps.
    LOCKED = "locked"


@dataclass(frozen=True)
class Step:
    key: str
    label: str | Promise
    state: StepState
    #: Why the step is in this state, in the reader's language ("" when obvious).
    detail: str | Promise = ""
    #: Where the person acts on this step (a URL name in the portal), if anywhere.
    url_name: str | None = None


@dataclass(frozen=True)
class Journey:
    steps: tuple[Step, ...]

    @property
    def next_step(self) -> Step | None:
        """The first step the person should act on now."""
        for step in self.steps:
            if step.state in (StepState.TODO, StepState.REFUSED) and step.url_name:
                return step
        return None

    @property
    def registration_complete(self) -> bool:
        """Every registration step is done (the test and the wave come after)."""
        return all(s.state == StepState.DONE for s in self.steps if s.key not in _LATER)

    @property
    def test_to_take(self) -> bool:
        """Registration is complete and the test is what comes next."""
        return self.registration_complete and any(
            s.key == "test" and s.state != StepState.DONE for s in self.steps
        )

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.steps if s.state == StepState.DONE)


_LATER = {"test", "wave"}


def _identity_step(check: IdentityCheck | None, has_profile: bool) -> Step:
    label = _("Identity check (population registry)")
    if not has_profile or check is None:
        return Step("identity", label, StepState.LOCKED, _("Starts when you submit your data."))
    if check.status == IdentityCheck.Status.VERIFIED:
        return Step("identity", label, StepState.DONE)
    if check.status == IdentityCheck.Status.PENDING:
        return Step(
            "identity",
            label,
            StepState.WAITING,
            _("We are checking your NIK with the population registry. You can continue."),
            "registration_identity_check",
        )
    if check.status == IdentityCheck.Status.MISMATCH:
        fields = ", ".join(check.mismatched_labels)
        return Step(
            "identity",
            label,
            StepState.REFUSED,
            _("The population registry holds a different %(fields)s. Correct your data.")
            % {"fields": fields},
            "registration_profile",
        )
    return Step(
        "identity",
        label,
        StepState.REFUSED,
        _("The population registry does not know this NIK. Check the number on your KTP."),
        "registration_profile",
    )


def _test_step(user: User, registration_done: bool) -> Step:
    label = _("Test")
    if not registration_done:
        return Step("test", label, StepState.LOCKED, _("Opens when your registration is complete."))
    if has_passed(user=user):
        return Step("test", label, StepState.DONE, url_name="assessment_result")
    latest = get_latest_attempt(user=user)
    if latest is not None and latest.passed is False:
        return Step(
            "test",
            label,
            StepState.REFUSED,
            _("You did not pass this time. You can take the test again after a pause."),
            "assessment_start",
        )
    return Step(
        "test",
        label,
        StepState.TODO,
        _("15 minutes, motivation and basic skills."),
        "assessment_start",
    )


def _wave_step(user: User) -> Step:
    label = _("Wave")
    if not has_passed(user=user):
        return Step("wave", label, StepState.LOCKED, _("Opens after you pass the test."))
    application = list_applications(user=user).first()
    if application is None:
        return Step("wave", label, StepState.TODO, _("Choose an open wave."), "wave_list")
    wave = application.wave
    result = get_published_result(application=application)
    if result is True:
        card = get_card(user=user)
        if card is not None and card.status == Card.Status.ACTIVE:
            note = _("Selected in wave %(n)s. Your card is active: choose a training.")
            return Step("wave", label, StepState.DONE, note % {"n": wave.number}, "catalogue")
        if card is not None and card.status == Card.Status.REVOKED:
            note = _(
                "Selected in wave %(n)s. Your card was revoked: no training was bought in time."
            )
            return Step("wave", label, StepState.REFUSED, note % {"n": wave.number}, "card")
        return Step(
            "wave",
            label,
            StepState.DONE,
            _("Selected in wave %(n)s. Accept your card to receive the training balance.")
            % {"n": wave.number},
            "card",
        )
    if result is False:
        return Step(
            "wave",
            label,
            StepState.WAITING,
            _("Not selected in wave %(n)s: you move to the next wave without doing anything.")
            % {"n": wave.number},
            "wave_list",
        )
    return Step(
        "wave",
        label,
        StepState.WAITING,
        _("You are in wave %(n)s. Results on %(date)s.")
        % {"n": wave.number, "date": date_format(localtime(wave.announce_at), "j F Y")},
        "wave_list",
    )


def get_journey(*, user: User) -> Journey:
    profile = get_profile(user=user)
    check = get_identity_check(user=user)
    documents = get_documents(owner=user)
    phone = get_phone_status(user=user)
    declaration = get_declaration(user=user)

    registration_done = is_registration_complete(user=user)
    steps = [
        Step(
            "account",
            # A phone-number account (opened at a desk) has no email.
            _("Account and mobile number") if user.is_phone_account else _("Account and email"),
            StepState.DONE,
        ),
        Step(
            "profile",
            _("Identity and profile"),
            StepState.DONE if profile else StepState.TODO,
            url_name="registration_profile",
        ),
        _identity_step(check, profile is not None),
        Step(
            "documents",
            _("KTP photo and selfie"),
            StepState.DONE if all(documents.values()) else StepState.TODO,
            "" if all(documents.values()) else _("A photo of your KTP and a selfie holding it."),
            "documents_upload",
        ),
        Step(
            "phone",
            _("Mobile number"),
            StepState.DONE if phone.verified else StepState.TODO,
            phone.masked_number if phone.verified else _("We send a code by SMS."),
            "phone_number",
        ),
        Step(
            "declaration",
            _("Declaration"),
            StepState.DONE if declaration else (StepState.TODO if profile else StepState.LOCKED),
            "" if declaration or profile else _("Opens after you submit your data."),
            "registration_declaration",
        ),
        _test_step(user, registration_done),
        _wave_step(user),
    ]
    return Journey(tuple(steps))
