"""What programmes tells the apps above it, in the transaction of the change.

exclusion_list_imported(exclusion_list_id=..., kind=...): a list's entries were replaced
by its import. bekal.selection keeps its eligibility facts in step with it.
"""

from __future__ import annotations

from django.dispatch import Signal

exclusion_list_imported = Signal()
