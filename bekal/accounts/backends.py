"""Log in with email and password (case-insensitive email), or with the mobile number of a
phone-number account and its password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from bekal.accounts.models import User
from bekal.accounts.phone_verification import phone_index


class EmailBackend(ModelBackend):
    pass


class PhoneNumberBackend(ModelBackend):
    """`authenticate(request, phone="+628...", password=...)`: `phone` already in E.164."""

    def authenticate(  # type: ignore[override]
        self,
        request: Any,
        phone: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not phone or password is None:
            return None
        user = User.objects.filter(login_phone_index=phone_index(phone)).first()
        if user is None:
            User().set_password(password)  # the same cost as a known account: timing tells nothing
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
