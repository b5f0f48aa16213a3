"""The desk's own forms. The citizen's profile and declaration use the portal's forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DeskLoginForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "inputmode": "email"}),
    )
    password = forms.CharField(
        label=_("Your password (officer)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class StartForm(forms.Form):
    full_name = forms.CharField(
        label=_("Citizen's full name (as on the KTP)"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "words"}),
    )
    phone = forms.CharField(
        label=_("Citizen's own mobile number"),
        help_text=_(
            "The phone the citizen holds and keeps (a feature phone is enough). The account "
            "is opened on this number and every message goes to it by SMS."
        ),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )


class ActivationForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from the SMS on the citizen's phone"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "autofocus": True}
        ),
    )
