"""The registrant's declaration and consent: its text, by version.

A published version never changes (a test pins the hash of its text in each language);
a new wording is a new version, and a participant who accepted an older one is asked to
accept the new one. What is stored for an acceptance is the version, the language it was
shown in and the SHA-256 of that exact text (see Declaration).

Consent under Law No. 27 of 2022 on Personal Data Protection (UU PDP): specific purposes,
the data concerned, who receives it, the participant's rights and how to withdraw.
"""

from __future__ import annotations

import hashlib

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DECLARATION_VERSION = "2026-11-v1"

_TEXTS: dict[str, tuple[Promise, ...]] = {
    "2026-11-v1": (
        _(
            "I declare that the data I have given in this registration is true, complete and "
            "my own: my NIK, my family card (KK) number, my name, place and date of birth, my "
            "addresses, my education and employment status, my answers to the programme's "
            "questions, and the photos of my KTP and of myself holding it."
        ),
        _(
            "I understand that the programme checks this data against the population registry "
            "(Dukcapil) and against lists from other government institutions, that I may be "
            "refused or removed from the programme if any of it is untrue, and that giving "
            "false data may have legal consequences."
        ),
        _(
            "Under Law No. 27 of 2022 on Personal Data Protection, I consent to the programme "
            "office processing my personal data (my NIK and KK number, name, date of birth, "
            "sex, addresses, education, employment status, email address, mobile number and "
            "the photos of my KTP and face) for these purposes only: verifying my identity, "
            "deciding whether I am eligible and selected, running my training, paying my "
            "incentives, and answering my questions and complaints."
        ),
        _(
            "My data is shared only with the population registry, to verify my identity, and "
            "with the training platforms and payment partners I use, as far as they need it. "
            "The photos of my KTP and face are deleted a set number of days after the "
            "verification of my identity ends."
        ),
        _(
            "I may see my data, have it corrected, and withdraw this consent at any time "
            "through the help desk. Withdrawing my consent ends my participation in the "
            "programme; it does not undo what was lawfully done before."
        ),
    ),
}


class UnknownDeclarationVersion(LookupError):
    pass


def declaration_paragraphs(version: str = DECLARATION_VERSION) -> list[str]:
    """The paragraphs of a version, in the active language."""
    try:
        return [str(paragraph) for paragraph in _TEXTS[version]]
    except KeyError:
        raise UnknownDeclarationVersion(version) from None


def declaration_text(version: str = DECLARATION_VERSION) -> str:
    """The exact text of a version in the active language, paragraphs one blank line apart."""
    return "\n\n".join(declaration_paragraphs(version))


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
