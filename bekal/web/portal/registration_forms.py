"""Forms of the registration steps: the profile (with its narrowing region lists) and the
declaration. They check shapes; the registration services check the rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bekal.regions import selectors as regions
from bekal.registration.models import Education, EmploymentStatus, Sex
from bekal.registration.services import ProfileInput

#: The region levels of an address, from the top; each list narrows the next.
LEVELS = ("province", "regency", "district", "village")
ADDRESSES = ("ktp", "domicile")
SAME, OTHER = "same", "other"
YES, NO = "yes", "no"
DATE_FORMATS = ["%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%d %m %Y", "%Y-%m-%d"]
EXCLUDED_OCCUPATIONS = _(
    "State official; leader or member of a regional parliament (DPRD); civil servant (ASN); "
    "soldier (TNI); police officer (Polri); village head or village official; director, "
    "commissioner or supervisory board member of a state-owned or region-owned enterprise "
    "(BUMN/BUMD)."
)


def _numeric(placeholder: str = "") -> forms.TextInput:
    attrs = {"inputmode": "numeric", "autocomplete": "off", "maxlength": "24"}
    if placeholder:
        attrs["placeholder"] = placeholder
    return forms.TextInput(attrs=attrs)


def _yes_no(label: Any, help_text: Any = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        choices=[(YES, _("Yes")), (NO, _("No"))],
        widget=forms.RadioSelect,
    )


def _region_field(label: Any, *, required: bool) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=required, choices=[])


class ProfileForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK"),
        max_length=24,
        help_text=_("The 16 digits of the NIK printed on your KTP."),
        widget=_numeric(),
    )
    kk = forms.CharField(
        label=_("Family card (KK) number"),
        max_length=24,
        help_text=_("The 16 digits of the number printed on your family card."),
        widget=_numeric(),
    )
    full_name = forms.CharField(
        label=_("Full name as on your KTP"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "autocapitalize": "characters"}),
    )
    birth_place = forms.CharField(label=_("Place of birth"), max_length=100)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        input_formats=DATE_FORMATS,
        help_text=_("Day-month-year, as on your KTP: for example 15-08-1995."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "placeholder": "DD-MM-YYYY", "autocomplete": "bday"}
        ),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)

    ktp_street = forms.CharField(
        label=_("Address on your KTP"),
        max_length=255,
        help_text=_("Street and house number, RT/RW."),
    )
    ktp_province = _region_field(_("Province"), required=True)
    ktp_regency = _region_field(_("Regency/city"), required=True)
    ktp_district = _region_field(_("District (kecamatan)"), required=True)
    ktp_village = _region_field(_("Village (desa/kelurahan)"), required=True)

    domicile = forms.ChoiceField(
        label=_("Where do you live now?"),
        choices=[(SAME, _("At the address on my KTP")), (OTHER, _("At another address"))],
        widget=forms.RadioSelect,
    )
    domicile_street = forms.CharField(
        label=_("Address where you live"),
        max_length=255,
        required=False,
        help_text=_("Street and house number, RT/RW."),
    )
    domicile_province = _region_field(_("Province"), required=False)
    domicile_regency = _region_field(_("Regency/city"), required=False)
    domicile_district = _region_field(_("District (kecamatan)"), required=False)
    domicile_village = _region_field(_("Village (desa/kelurahan)"), required=False)

    education = forms.ChoiceField(
        label=_("Highest education completed"),
        choices=[("", _("Choose…")), *Education.choices],
    )
    employment_status = forms.ChoiceField(
        label=_("Employment status"), choices=EmploymentStatus.choices, widget=forms.RadioSelect
    )
    in_school = _yes_no(_("Are you currently in school or university?"))
    in_excluded_occupation = _yes_no(
        _("Are you in one of the occupations excluded from the programme?"),
        EXCLUDED_OCCUPATIONS,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for address in ADDRESSES:
            self._narrow(address)

    def _raw(self, name: str) -> str:
        source: Mapping[str, Any] = self.data if self.is_bound else self.initial
        value = source.get(name) or ""
        return value if isinstance(value, str) else str(value)

    def _narrow(self, address: str) -> None:
        """Each list holds the regions under the one chosen above it (none if none is)."""
        parent = ""
        for level in LEVELS:
            name = f"{address}_{level}"
            if level == "province":
                options = [(p.code, p.name) for p in regions.list_provinces()]
            elif parent:
                options = children(level=level, parent=parent)
            else:
                options = []
            field = self.fields[name]
            field.choices = [("", _("Choose…")), *options]  # type: ignore[attr-defined]
            field.widget.attrs.update({"data-address": address, "data-level": level})
            chosen = self._raw(name)
            parent = chosen if any(code == chosen for code, _label in options) else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("domicile") == OTHER:
            for name in ("domicile_street", *(f"domicile_{level}" for level in LEVELS)):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("This field is required."))
        return cleaned

    def to_input(self) -> ProfileInput:
        data = self.cleaned_data
        same = data["domicile"] == SAME
        return ProfileInput(
            nik=data["nik"],
            kk=data["kk"],
            full_name=data["full_name"],
            birth_place=data["birth_place"],
            birth_date=data["birth_date"],
            sex=data["sex"],
            ktp_street=data["ktp_street"],
            ktp_village_code=data["ktp_village"],
            domicile_same_as_ktp=same,
            domicile_street="" if same else data["domicile_street"],
            domicile_village_code="" if same else data["domicile_village"],
            education=data["education"],
            employment_status=data["employment_status"],
            in_school=data["in_school"] == YES,
            in_excluded_occupation=data["in_excluded_occupation"] == YES,
        )

    def region_rows(self, address: str) -> list[tuple[forms.BoundField, forms.BoundField | None]]:
        """The address's region fields, each with the field it narrows (None for the last)."""
        fields = [self[f"{address}_{level}"] for level in LEVELS]
        return list(zip(fields, [*fields[1:], None], strict=True))


def children(*, level: str, parent: str) -> list[tuple[str, str]]:
    """(code, name) of the regions of `level` under the region `parent`."""
    if level == "regency":
        return [(r.code, r.name) for r in regions.list_regencies(province_code=parent)]
    if level == "district":
        return [(d.code, d.name) for d in regions.list_districts(regency_code=parent)]
    if level == "village":
        return [(v.code, v.name) for v in regions.list_villages(district_code=parent)]
    return []


def profile_initial(profile: Any, *, nik: str, kk: str) -> dict[str, Any]:
    """The form filled with a submitted profile, for correcting it."""
    initial: dict[str, Any] = {
        "nik": nik,
        "kk": kk,
        "full_name": profile.full_name,
        "birth_place": profile.birth_place,
        "birth_date": profile.birth_date.strftime("%d-%m-%Y"),
        "sex": profile.sex,
        "ktp_street": profile.ktp_street,
        "domicile": SAME if profile.domicile_same_as_ktp else OTHER,
        "domicile_street": "" if profile.domicile_same_as_ktp else profile.domicile_street,
        "education": profile.education,
        "employment_status": profile.employment_status,
        "in_school": YES if profile.in_school else NO,
        "in_excluded_occupation": YES if profile.in_excluded_occupation else NO,
    }
    addresses = [("ktp", profile.ktp_village)]
    if not profile.domicile_same_as_ktp:
        addresses.append(("domicile", profile.domicile_village))
    for address, village in addresses:
        initial[f"{address}_village"] = village.code
        initial[f"{address}_district"] = village.district_id
        initial[f"{address}_regency"] = village.district.regency_id
        initial[f"{address}_province"] = village.district.regency.province_id
    return initial


class DeclarationForm(forms.Form):
    version = forms.CharField(widget=forms.HiddenInput)
    accept = forms.BooleanField(
        label=_("I have read this declaration and I agree to it."),
        error_messages={"required": _("Tick the box to sign the declaration.")},
    )
