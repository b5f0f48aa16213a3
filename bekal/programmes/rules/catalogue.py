"""The rules that several scheme years share, each declared once.

Exclusion list kinds an applicant may not be on in any scheme: ASN, TNI, Polri, state
officials and DPRD, village heads and officials, BUMN/BUMD boards (DOMAIN.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bekal.programmes.rules import Rule

if TYPE_CHECKING:
    from bekal.programmes.models import Scheme

TOO_YOUNG = Rule("too_young", "age IS NOT NULL AND age < min_age", ("age", "min_age"))
TOO_OLD = Rule(
    "too_old", "max_age IS NOT NULL AND age IS NOT NULL AND age > max_age", ("age", "max_age")
)
NOT_VERIFIED = Rule(
    "not_verified", "identity_status IS DISTINCT FROM 'verified'", ("identity_status",)
)
TEST_NOT_PASSED = Rule("test_not_passed", "NOT test_passed", ("test_passed",))
IN_SCHOOL = Rule("in_school", "in_school IS NOT FALSE", ("in_school",))
EXCLUDED_OCCUPATION_DECLARED = Rule(
    "excluded_occupation_declared",
    "in_excluded_occupation IS NOT FALSE",
    ("in_excluded_occupation",),
)

#: ExclusionList kinds whose members are never eligible, in the order reasons are listed.
EXCLUDED_OCCUPATION_LISTS = (
    "civil_servant",
    "soldier",
    "police",
    "official",
    "village_official",
    "soe_board",
)


def on_list(kind: str, code: str | None = None) -> Rule:
    """Fails when the NIK's blind index is on an exclusion list of `kind`."""
    return Rule(
        code or f"on_exclusion_list_{kind}", f"'{kind}' = ANY(listed_kinds)", ("listed_kinds",)
    )


ON_OCCUPATION_LISTS = tuple(on_list(kind) for kind in EXCLUDED_OCCUPATION_LISTS)
ON_STUDENT_LIST = on_list("student")
SOCIAL_ASSISTANCE = on_list("social_assistance", "social_assistance")
EARLIER_RECIPIENT = Rule(
    "earlier_recipient",
    "'earlier_recipient' = ANY(listed_kinds) OR earlier_selected",
    ("listed_kinds", "earlier_selected"),
)
ALREADY_SELECTED = Rule("already_selected", "already_selected", ("already_selected",))
KK_LIMIT = Rule("kk_limit", "kk_recipients >= max_per_kk", ("kk_recipients", "max_per_kk"))
REVOKED_CARD = Rule("revoked_card", "revoked", ("revoked",))


def scheme_rules(scheme: Scheme) -> list[Rule]:
    """The rules of the 2020 and the 2023 schemes, which differ only in their data.

    The scheme row decides the ages (no upper age in 2020) and whether other social
    assistance and earlier recipients exclude. A scheme year whose rules come to differ
    declares its own list in its module, under a new VERSION.
    """
    rules = [
        TOO_YOUNG,
        TOO_OLD,
        NOT_VERIFIED,
        TEST_NOT_PASSED,
        IN_SCHOOL,
        ON_STUDENT_LIST,
        EXCLUDED_OCCUPATION_DECLARED,
        *ON_OCCUPATION_LISTS,
    ]
    if scheme.excludes_social_assistance_recipients:
        rules.append(SOCIAL_ASSISTANCE)
    if scheme.excludes_earlier_recipients:
        rules.append(EARLIER_RECIPIENT)
    rules += [ALREADY_SELECTED, KK_LIMIT, REVOKED_CARD]
    return rules
