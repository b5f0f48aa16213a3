"""Eligibility under the 2020 semi-social-assistance scheme (Perpres 36/2020, 76/2020).

18 or older with no upper age (the scheme row's max_age is empty, so `too_old` never
fails), not in school, not in an excluded occupation, not receiving other social
assistance during the pandemic (the scheme version's window), at most two recipients per
KK, identity verified, an Indonesian citizen (WNI, as the registry answers), test
passed. Recipients of earlier years are excluded when the scheme says so; nobody is
selected twice within the scheme year; a revoked card holder is never selected again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bekal.programmes.rules import Rule
from bekal.programmes.rules import catalogue as c

if TYPE_CHECKING:
    from bekal.programmes.models import Scheme

#: 2020.2: `not_citizen`; other social assistance counts over the scheme's window.
#: 2020.3: an earlier recipient is one paid an incentive of an earlier scheme year.
VERSION = "2020.3"


def rule_set(scheme: Scheme) -> list[Rule]:
    return c.scheme_rules(scheme)
