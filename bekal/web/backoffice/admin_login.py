"""The Django admin's login goes through the portal's login service: the same per-account
and per-address throttling and lockout, and every success and failure audited (with
via="admin"). The second factor and the staff session rules then apply as everywhere
(bekal.web.staff_sessions)."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from bekal.accounts import services as accounts
from bekal.core.errors import DomainError
from bekal.web.client import client_ip


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email and password:
            try:
                self.user_cache = accounts.log_in(
                    email=email,
                    password=password,
                    ip=client_ip(self.request) if self.request else None,
                    request=self.request,
                    via="admin",
                )
            except DomainError as error:
                raise ValidationError(str(error), code=error.code) from error
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


def install() -> None:
    from django.contrib import admin

    admin.site.login_form = ThrottledAdminLoginForm
