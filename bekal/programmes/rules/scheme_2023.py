"""Eligibility under the 2023 normal scheme (Perpres 113/2022, Permenko 17/2022).

Ages 18 to 64 on the wave's closing date, not in school, not in an excluded occupation,
at most two recipients per KK, identity verified, an Indonesian citizen (WNI, as the
registry answers), test passed. Other social assistance no longer excludes unless the
scheme version says so; recipients of earlier years (2020-2022) are excluded when the
scheme says so; nobody is selected twice within the scheme year; a revoked card holder
is never selected again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bekal.programmes.rules import Rule
from bekal.programmes.rules import catalogue as c

if TYPE_CHECKING:
    from bekal.programmes.models import Scheme

#: 2023.2: `not_citizen`; other social assistance (if excluded) over the scheme's window.
#: 2023.3: an earlier recipient is one paid an incentive of an earlier scheme year.
VERSION = "2023.3"


def rule_set(scheme: Scheme) -> list[Rule]:
    return c.scheme_rules(scheme)
