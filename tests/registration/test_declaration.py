"""The declaration: what is recorded when a participant signs it, and when it holds."""

from __future__ import annotations

import pytest
from django.utils import translation

from bekal.core.errors import DomainError
from bekal.core.models import AuditEvent
from bekal.registration import selectors, services
from bekal.registration.declaration import (
    DECLARATION_VERSION,
    declaration_text,
    text_hash,
)
from bekal.registration.models import Declaration
from tests.registration.factories import participant, submit

pytestmark = pytest.mark.django_db

#: A published text never changes: a new wording is a new version (and a new line here).
PUBLISHED = {
    ("2026-11-v1", "id"): "f969a71e0dcdb888ee3c516bbe48096f0fb8f214850b6005f402e003184c4389",
    ("2026-11-v1", "en"): "d01004f55ee48e2138d2045d9b06b15da1968a212eb8ea468ea0ae8bf814ff97",
}


def test_signing_records_the_version_the_language_and_the_hash_of_the_text_shown():
    siti = participant()
    submit(siti)

    declaration = services.sign_declaration(user=siti, version=DECLARATION_VERSION, ip="10.1.2.3")

    assert declaration.version == "2026-11-v1"
    assert declaration.language == "id"
    assert declaration.text_hash == PUBLISHED[("2026-11-v1", "id")]
    assert declaration.ip == "10.1.2.3"
    assert selectors.get_declaration(user=siti) == declaration
    assert AuditEvent.objects.filter(action="registration.declaration_signed").count() == 1


def test_signed_in_english_the_english_text_is_what_is_recorded():
    siti = participant()
    submit(siti)

    with translation.override("en"):
        declaration = services.sign_declaration(user=siti, version=DECLARATION_VERSION)

    assert declaration.language == "en"
    assert declaration.text_hash == PUBLISHED[("2026-11-v1", "en")]


@pytest.mark.parametrize(("version", "language"), sorted(PUBLISHED))
def test_a_published_declaration_text_never_changes(version, language):
    with translation.override(language):
        text = declaration_text(version)

    assert text_hash(text) == PUBLISHED[(version, language)]


def test_the_indonesian_text_names_the_personal_data_law():
    with translation.override("id"):
        text = declaration_text(DECLARATION_VERSION)

    assert "Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi" in text


def test_signing_needs_a_submitted_profile():
    siti = participant()

    with pytest.raises(DomainError) as refusal:
        services.sign_declaration(user=siti, version=DECLARATION_VERSION)

    assert refusal.value.code == "profile_required"
    assert Declaration.objects.count() == 0


def test_signing_a_version_that_is_no_longer_shown_is_refused():
    siti = participant()
    submit(siti)

    with pytest.raises(DomainError) as refusal:
        services.sign_declaration(user=siti, version="2020-04-v1")

    assert refusal.value.code == "declaration_outdated"


def test_signing_twice_records_one_acceptance():
    siti = participant()
    submit(siti)

    first = services.sign_declaration(user=siti, version=DECLARATION_VERSION)
    again = services.sign_declaration(user=siti, version=DECLARATION_VERSION)

    assert again == first
    assert Declaration.objects.count() == 1


def test_changed_profile_data_must_be_declared_true_again():
    siti = participant()
    submit(siti)
    services.sign_declaration(user=siti, version=DECLARATION_VERSION)

    submit(siti, education="d4_s1")

    assert selectors.get_declaration(user=siti) is None
    again = services.sign_declaration(user=siti, version=DECLARATION_VERSION)
    assert selectors.get_declaration(user=siti) == again
