"""Writes of the programmes app. Import from here: `from bekal.programmes import services`."""

from bekal.programmes.services.exclusions import rerun_import, upload_exclusion_list
from bekal.programmes.services.schemes import REVISABLE_FIELDS, create_scheme, revise_scheme
from bekal.programmes.services.waves import (
    QuotaInput,
    TierInput,
    carry_over,
    close_wave,
    create_wave,
    join_wave,
    open_wave,
)

__all__ = [
    "REVISABLE_FIELDS",
    "QuotaInput",
    "TierInput",
    "carry_over",
    "close_wave",
    "create_scheme",
    "create_wave",
    "join_wave",
    "open_wave",
    "rerun_import",
    "revise_scheme",
    "upload_exclusion_list",
]
