"""The forms of the training pages: the catalogue's search and filters, buying a course,
and reviewing a completed training."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bekal.marketplace.models import Category, Format
from bekal.marketplace.selectors import CatalogueFilter
from bekal.regions.selectors import list_provinces, list_regencies

SORT_CHOICES = [
    ("popular", _("Most popular")),
    ("rating", _("Best rated")),
    ("price_low", _("Lowest price")),
    ("price_high", _("Highest price")),
    ("newest", _("Newest")),
]
RATING_CHOICES = [
    ("", _("Any rating")),
    ("4", _("4 stars and up")),
    ("3", _("3 stars and up")),
    ("2", _("2 stars and up")),
]
#: The highest price anybody may type (a typo beyond it is refused, not searched).
MAX_PRICE = 1_000_000_000
_PRICE_NOISE = re.compile(r"^\s*(rp\.?)?\s*|[\s.]", re.IGNORECASE)


class CatalogueForm(forms.Form):
    """The catalogue's GET form. Each field that is not valid is shown with its error and
    left out of the search; the others still apply."""

    q = forms.CharField(
        label=_("Search trainings"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "enterkeyhint": "search"}),
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *Category.choices]
    )
    format = forms.ChoiceField(
        label=_("Format"), required=False, choices=[("", _("All formats")), *Format.choices]
    )
    max_price = forms.CharField(
        label=_("Highest price (Rp)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "500000"}),
    )
    province = forms.ChoiceField(label=_("Province of in-person trainings"), required=False)
    regency = forms.ChoiceField(label=_("Regency or city"), required=False)
    min_rating = forms.ChoiceField(label=_("Rating"), required=False, choices=RATING_CHOICES)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, data: Any = None) -> None:
        super().__init__(data)
        self._choice("province").choices = [
            ("", _("All provinces")),
            *((p.code, p.name) for p in list_provinces()),
        ]
        province = str((data or {}).get("province") or "")
        regencies = list(list_regencies(province_code=province)) if province else []
        self._choice("regency").choices = [
            ("", _("The whole province")),
            *((r.code, r.name) for r in regencies),
        ]
        #: The regency list is shown once a province is chosen.
        self.has_regencies = bool(regencies)

    def _choice(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def clean_max_price(self) -> int:
        text = self.cleaned_data.get("max_price") or ""
        digits = _PRICE_NOISE.sub("", text)
        if not digits:
            return 0
        if not digits.isdigit() or int(digits) > MAX_PRICE:
            raise forms.ValidationError(_("Type a price in rupiah, for example 500000."))
        return int(digits)

    def filters(self) -> CatalogueFilter:
        """The search the valid fields ask for."""
        data = self.cleaned_data if self.is_bound else {}
        return CatalogueFilter(
            query=data.get("q") or "",
            category=data.get("category") or "",
            format=data.get("format") or "",
            max_price=data.get("max_price") or 0,
            region=data.get("regency") or data.get("province") or "",
            min_rating=int(data.get("min_rating") or 0),
            sort=data.get("sort") or "popular",
        )

    @property
    def narrowed(self) -> bool:
        """Any filter beyond the search words is in use (the filters are shown open)."""
        data = self.cleaned_data if self.is_bound else {}
        names = ("category", "format", "max_price", "province", "min_rating")
        return bool(self.errors) or any(data.get(name) for name in names)


class BuyForm(forms.Form):
    """Buying a course. The key is drawn when the course page is rendered, so pressing
    the button twice (or sending the page again) buys once."""

    session = forms.TypedChoiceField(
        label=_("Choose a session"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the sessions shown.")},
    )
    idempotency_key = forms.CharField(min_length=8, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, session_ids: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        session = self.fields["session"]
        assert isinstance(session, forms.ChoiceField)
        session.choices = [(pk, str(pk)) for pk in session_ids or []]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose from 1 to 5 stars.")},
    )
    comment = forms.CharField(
        label=_("Your review (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was good, what could be better? At most 2,000 characters."),
    )
