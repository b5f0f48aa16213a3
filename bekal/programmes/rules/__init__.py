"""Eligibility rules as code, one module per scheme year (DESIGN.md, STYLE.md).

A rule is a reason code and a SQL predicate that is TRUE when an applicant FAILS it,
written over the columns of one row of applicant facts (bekal.selection.eligibility
builds those rows, set-based, for a whole wave or one applicant). A scheme year's module
(`scheme_2020`, `scheme_2023`: Python module names cannot start with a digit) declares
its `VERSION` ("2023.2": year and revision of the code) and `rule_set(scheme)`, which
reads the scheme version's data (ages, flags, KK limit are columns of the facts, taken
from the scheme row, never constants here).

A scheme code without a module of its own (a "2021" scheme) uses the latest module at or
before its year. Changing what a rule means is a new VERSION, so every stored decision
still names the rules it was taken under.

Facts every predicate may use (one row per applicant):
  age (whole years on the wave's closing date, Asia/Jakarta: PostgreSQL's age(), so
  someone born on 29 February turns a year older on 1 March in a common year), min_age,
  max_age (NULL: no upper limit), identity_status, citizenship (the registry's answer:
  'WNI', 'WNA', or NULL/'' before one), test_passed, in_school, in_excluded_occupation,
  listed_kinds (text[]: kinds of the exclusion lists holding the NIK's blind index on
  the closing date), assisted_in_window (on a social-assistance list on a day of the
  scheme's window, never after the closing date), kk_recipients (other people of the
  same KK selected in published runs), max_per_kk, earlier_selected (selected in a
  published run of an earlier scheme year), earlier_paid (an incentive instalment of an
  earlier scheme year was paid: "received the incentive", decision 0013),
  already_selected (selected in a published
  run of another wave of this scheme year), revoked (a revoked card holder),
  closing_date.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from bekal.programmes.models import Scheme


@dataclass(frozen=True, slots=True)
class Rule:
    #: The stable reason code stored when the rule fails ("too_young").
    code: str
    #: SQL over the facts, TRUE when the applicant fails the rule (NULL counts as passed,
    #: so a predicate must decide missing facts itself).
    fails_when: str
    #: The facts this rule reads, kept with every decision as its inputs.
    inputs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RuleSet:
    version: str
    rules: tuple[Rule, ...]

    @property
    def codes(self) -> list[str]:
        return [rule.code for rule in self.rules]

    @property
    def inputs(self) -> list[str]:
        """Every fact any rule reads, in declaration order, once."""
        seen: dict[str, None] = {}
        for rule in self.rules:
            seen.update(dict.fromkeys(rule.inputs))
        return list(seen)


def _list_bits() -> dict[str, int]:
    from bekal.programmes.models import ExclusionList

    return {kind: 1 << n for n, kind in enumerate(ExclusionList.Kind.values)}


#: The bit of each exclusion-list kind in the facts' `listed_bits` (and RegistrantFacts).
LIST_BITS: dict[str, int] = _list_bits()


#: What each reason code means, in the reader's language (wherever reasons are shown).
REASON_LABELS: dict[str, Promise] = {
    "too_young": _("Younger than the scheme's minimum age"),
    "too_old": _("Older than the scheme's maximum age"),
    "not_verified": _("Identity not verified by the population registry"),
    "not_citizen": _("Not an Indonesian citizen (WNI)"),
    "test_not_passed": _("Test not passed"),
    "in_school": _("In school or university"),
    "on_exclusion_list_student": _("On the list of pupils and students"),
    "excluded_occupation_declared": _("Declared an excluded occupation"),
    "on_exclusion_list_civil_servant": _("On the list of civil servants (ASN)"),
    "on_exclusion_list_soldier": _("On the list of soldiers (TNI)"),
    "on_exclusion_list_police": _("On the list of police officers (Polri)"),
    "on_exclusion_list_official": _("On the list of state officials and DPRD members"),
    "on_exclusion_list_village_official": _("On the list of village heads and officials"),
    "on_exclusion_list_soe_board": _("On the list of BUMN/BUMD boards"),
    "social_assistance": _("Received other social assistance in the scheme's window"),
    "earlier_recipient": _("An earlier recipient"),
    "already_selected": _("Already selected in this scheme year"),
    "kk_limit": _("The family card (KK) has reached its recipients"),
    "revoked_card": _("A card of theirs was revoked"),
}


def reason_label(code: str) -> str | Promise:
    """The reason's label in the active language (the code itself if it has none)."""
    return REASON_LABELS.get(code, code)


#: The scheme years that have a module of their own, oldest first.
YEARS = ("2020", "2023")


def _module_for(code: str) -> ModuleType:
    candidates = [year for year in YEARS if year <= code]
    if not candidates:
        raise LookupError(f"no eligibility rules for scheme {code}")
    return importlib.import_module(f"bekal.programmes.rules.scheme_{candidates[-1]}")


def rules_for(scheme: Scheme) -> RuleSet:
    """The rules that decide eligibility under this scheme version."""
    module = _module_for(scheme.code)
    return RuleSet(version=module.VERSION, rules=tuple(module.rule_set(scheme)))
