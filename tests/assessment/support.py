"""Shared by the assessment tests: a clock, people, and answering as a person would."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bekal.accounts.models import User
from bekal.assessment.models import Attempt, AttemptQuestion, Category, Option

#: A fixed start; tests move the clock from here.
T0 = dt.datetime(2020, 4, 14, 9, 0, tzinfo=dt.UTC)


def person(email: str = "wati@contoh.id") -> User:
    return User.objects.create_user(
        email=email, password=None, full_name="Wati Lestari", email_confirmed_at=timezone.now()
    )


def items(attempt: Attempt) -> list[AttemptQuestion]:
    return list(attempt.questions.select_related("question").order_by("position"))


def right_option(item: AttemptQuestion) -> Option:
    """The right option of a knowledge question, or the best (score 3) of a motivation one."""
    options = Option.objects.filter(pk__in=item.option_order)
    if item.question.category == Category.MOTIVATION:
        return options.get(score=3)
    return options.get(is_correct=True)


def wrong_option(item: AttemptQuestion) -> Option:
    """A wrong option of a knowledge question, or the worst (score 0) of a motivation one."""
    options = Option.objects.filter(pk__in=item.option_order)
    if item.question.category == Category.MOTIVATION:
        return options.get(score=0)
    return options.filter(is_correct=False).first()


def complete_registration(user: User) -> User:
    """Every registration step done through the services, as a participant does them.

    Needs the `registry_file` fixture (the registry knows Siti) and a document storage
    (`use_tmp_document_storage`); the person is Siti, whose NIK the registry confirms.
    """
    import re

    from bekal.accounts.phone_verification import send_phone_code, verify_phone_code
    from bekal.identity.registry import RegistryAnswer
    from bekal.identity.services import upload_document
    from bekal.notifications.models import OutboxMessage
    from bekal.registration import services
    from bekal.registration.declaration import DECLARATION_VERSION
    from tests.identity.documents_support import jpeg, upload
    from tests.registration.factories import submit

    profile = submit(user)
    services.record_identity_answer(
        check_id=profile.identity_check.pk,
        round_asked=profile.identity_check.round,
        answer=RegistryAnswer.match(),
    )
    upload_document(owner=user, kind="ktp_photo", uploaded_file=upload(jpeg(seed=1)))
    upload_document(owner=user, kind="selfie_with_ktp", uploaded_file=upload(jpeg(seed=2)))
    send_phone_code(user=user, phone="0812 3456 7890")
    body = OutboxMessage.objects.filter(channel="sms", user=user).latest("created_at").body
    verify_phone_code(user=user, code=re.search(r"\b(\d{6})\b", body).group(1))
    services.sign_declaration(user=user, version=DECLARATION_VERSION)
    return user
