from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bekal.accounts.models import User


class SignUpForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name (as on your KTP)"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "autocapitalize": "words"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        help_text=_("At least 8 characters. Do not use a password you use elsewhere."),
        strip=False,
        widget=forms.PasswordInput(
            attrs={
                "autocomplete": "new-password",
                "minlength": 8,
                # Shown while typing (bekal/web/portal/static/portal/forms.js).
                "data-too-short": _("Too short: type at least 8 characters."),
            }
        ),
    )

    def clean_password(self) -> str:
        """The password rules on the first submit, with the other fields' errors (the
        sign-up service checks them again)."""
        password: str = self.cleaned_data["password"]
        person = User(email=self.data.get("email", ""), full_name=self.data.get("full_name", ""))
        try:
            validate_password(password, user=person)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None
        return password


class LoginForm(forms.Form):
    #: An email address, or the mobile number of a phone-number account.
    email = forms.CharField(
        label=_("Email address or mobile number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )


class NewPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        help_text=_("At least 8 characters. Do not use a password you use elsewhere."),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords are not the same."))
        return data


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number of your account"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class PhonePasswordForm(NewPasswordForm):
    phone = forms.CharField(
        label=_("Mobile number of your account"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    code = forms.CharField(
        label=_("6-digit code from the SMS"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    field_order = ["phone", "code", "password", "password_again"]
