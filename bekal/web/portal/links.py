"""The portal's absolute links, built in one place for the domain's messages.

`bekal.core.links.portal_links()` returns an instance of `PortalLinks` (named by the
`BEKAL_PORTAL_LINKS` setting): notices, the partner API and the portal's own pages ask
it for a link instead of knowing the portal's URL names.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def _absolute(name: str, *args: object) -> str:
    return f"{settings.SITE_URL}{reverse(f'portal:{name}', args=args)}"


class PortalLinks:
    def confirm_email(self, token: str) -> str:
        return _absolute("confirm_email", token)

    def login(self) -> str:
        return _absolute("login")

    def password_reset(self) -> str:
        return _absolute("password_reset")

    def password_reset_confirm(self, uidb64: str, token: str) -> str:
        return _absolute("password_reset_confirm", uidb64, token)

    def phone_password(self) -> str:
        return _absolute("phone_password")

    def card(self) -> str:
        return _absolute("card")

    def wave_list(self) -> str:
        return _absolute("wave_list")

    def course(self, course_id: int) -> str:
        return _absolute("course", course_id)

    def certificate_check(self, token: str) -> str:
        return _absolute("certificate_check", token)

    def incentives(self) -> str:
        return _absolute("incentives")

    def care_ticket(self, reference: str) -> str:
        return _absolute("care_ticket", reference)

    def profile(self) -> str:
        return _absolute("registration_profile")

    def care(self) -> str:
        return _absolute("care_tickets")
