from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bekal.core.errors import NotFoundError, PermissionDeniedError


class NoFiguresAccessError(PermissionDeniedError):
    code = "no_figures_access"
    message = _("The dashboards are for the programme office and regional labour offices.")


class OutsideScopeError(NotFoundError):
    """A region or wave the viewer may not see: answered as if it did not exist."""

    code = "outside_scope"
    message = _("No figures for this region in your area.")


class WaveNotFoundError(NotFoundError):
    code = "wave_not_found"
    message = _("No such wave.")
