"""The rules that several scheme years share, each declared once.

Exclusion list kinds an applicant may not be on in any scheme: ASN, TNI, Polri, state
officials and DPRD, village heads and officials, BUMN/BUMD boards (DOMAIN.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bekal.programmes.rules import LIST_BITS, Rule

if TYPE_CHECKING:
    from bekal.programmes.models import Scheme

#: Ages compare birth dates with the closing date's bounds (the facts' latest_birth_date:
#: the closing date min_age years before; earliest_birth_date: the day after the closing
#: date max_age + 1 years before), which is `age < min_age` and `age > max_age` for
#: PostgreSQL's age() (29 February counts from 1 March in a common year) and reads only
#: the birth date of each row.
TOO_YOUNG = Rule("too_young", "birth_date > latest_birth_date", ("age", "min_age"))
TOO_OLD = Rule("too_old", "birth_date < earliest_birth_date", ("age", "max_age"))
NOT_VERIFIED = Rule(
    "not_verified", "identity_status IS DISTINCT FROM 'verified'", ("identity_status",)
)
#: Only Indonesian citizens (WNI) take part: the registry's answer says whether a verified
#: NIK's holder is one (a NIK is also issued to foreign permanent residents, WNA). An
#: unverified NIK fails `not_verified` alone; a verified one whose citizenship the registry
#: has not stated (checked before it said) fails here until checked again.
NOT_CITIZEN = Rule(
    "not_citizen",
    "identity_status = 'verified' AND citizenship IS DISTINCT FROM 'WNI'",
    ("citizenship",),
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
        code or f"on_exclusion_list_{kind}",
        f"listed_bits & {LIST_BITS[kind]} <> 0",
        ("listed_kinds",),
    )


ON_OCCUPATION_LISTS = tuple(on_list(kind) for kind in EXCLUDED_OCCUPATION_LISTS)
ON_STUDENT_LIST = on_list("student")
#: On a social-assistance list on any day of the scheme's window ("during the pandemic",
#: never after the closing date; the closing date alone for a scheme without a window).
SOCIAL_ASSISTANCE = Rule("social_assistance", "assisted_in_window", ("assisted_in_window",))
EARLIER_RECIPIENT = Rule(
    "earlier_recipient",
    f"listed_bits & {LIST_BITS['earlier_recipient']} <> 0 OR earlier_paid",
    ("listed_kinds", "earlier_paid"),
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
        NOT_CITIZEN,
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
