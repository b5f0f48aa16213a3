"""Links to the citizens' portal that emails, SMS and partner responses carry.

The domain does not know the portal's URLs. It asks `portal_links()` for a link by what
it leads to; the web layer, which owns the URLs, answers. `BEKAL_PORTAL_LINKS` names the
web layer's class (as Django names its email backend), so nothing below the interfaces
imports them:

    portal_links().card()  -> "https://bekal.example/kartu/"
"""

from __future__ import annotations

import functools
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class PortalLinks(Protocol):
    """Absolute addresses of the portal pages that messages point to."""

    def confirm_email(self, token: str) -> str: ...

    def login(self) -> str: ...

    def password_reset(self) -> str: ...

    def password_reset_confirm(self, uidb64: str, token: str) -> str: ...

    def phone_password(self) -> str: ...

    def card(self) -> str: ...

    def wave_list(self) -> str: ...

    def course(self, course_id: int) -> str: ...

    def certificate_check(self, token: str) -> str: ...

    def incentives(self) -> str: ...

    def care_ticket(self, reference: str) -> str: ...

    def profile(self) -> str: ...

    #: The citizen's help pages (/bantuan/): questions and complaints as care tickets.
    def care(self) -> str: ...


@functools.cache
def _load(path: str) -> PortalLinks:
    links: PortalLinks = import_string(path)()
    return links


def portal_links() -> PortalLinks:
    """The portal's links, as the web layer builds them."""
    return _load(settings.BEKAL_PORTAL_LINKS)
