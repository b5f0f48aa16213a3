"""What registration tells the apps above it, in the transaction of the change.

registrant_changed(user_ids=[...]): a profile was saved, or its identity check restarted
or answered. bekal.selection keeps its eligibility facts in step with it.
"""

from __future__ import annotations

from django.dispatch import Signal

registrant_changed = Signal()
