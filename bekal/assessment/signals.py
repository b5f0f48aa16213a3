"""What the assessment tells the apps above it, in the transaction of the change.

attempts_finished(user_ids=[...]): test attempts were scored (passed or not).
bekal.selection keeps its eligibility facts in step with it.
"""

from __future__ import annotations

from django.dispatch import Signal

attempts_finished = Signal()
