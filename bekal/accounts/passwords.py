"""Password rules beyond Django's: a password may not be the person's name or email."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import UserAttributeSimilarityValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class PersonalInformationSimilarityValidator(UserAttributeSimilarityValidator):
    """Django's similarity check on the full name and the email, plus the name's words
    run together ("budisantoso" for Budi Santoso), with Bekal's own message."""

    DEFAULT_USER_ATTRIBUTES = ("full_name", "email")

    def __init__(self, user_attributes: Any = DEFAULT_USER_ATTRIBUTES, **kwargs: Any) -> None:
        super().__init__(user_attributes=user_attributes, **kwargs)

    def validate(self, password: str, user: Any = None) -> None:
        if not user:
            return
        try:
            super().validate(password, user)
        except ValidationError as exc:
            raise ValidationError(self.get_error_message(), code="password_too_similar") from exc
        name = "".join(ch for ch in (getattr(user, "full_name", "") or "") if ch.isalnum())
        compact = "".join(ch for ch in password if ch.isalnum()).lower()
        if len(name) >= 6 and name.lower() in compact:
            raise ValidationError(self.get_error_message(), code="password_too_similar")

    def get_error_message(self) -> str:
        return str(_("The password is too similar to your name or email address."))

    def get_help_text(self) -> str:
        return str(_("Your password may not be your name or your email address."))
