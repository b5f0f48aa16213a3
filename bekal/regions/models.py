"""Official Kemendagri regions: province -> regency/city -> district -> village.

Codes are the dotted Kemendagri codes ("32", "32.16", "32.16.01", "32.16.01.2001") and are
the primary keys: they are stable, public, and what a NIK's first six digits refer to.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")

    def __str__(self) -> str:
        return self.name


class Regency(models.Model):
    class Kind(models.TextChoices):
        REGENCY = "kabupaten", _("Regency")
        CITY = "kota", _("City")

    code = models.CharField(max_length=5, primary_key=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="regencies")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=9, choices=Kind.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("regency/city")
        verbose_name_plural = _("regencies/cities")

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    code = models.CharField(max_length=8, primary_key=True)
    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="districts")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    class Kind(models.TextChoices):
        URBAN = "kelurahan", _("Urban village (kelurahan)")
        RURAL = "desa", _("Village (desa)")
        CUSTOMARY = "desa_adat", _("Customary village (desa adat)")

    code = models.CharField(max_length=13, primary_key=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="villages")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=9, choices=Kind.choices)
    postal_code = models.CharField(max_length=5, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("village")

    def __str__(self) -> str:
        return self.name


class RegionsEdition(models.Model):
    """Which official edition of the regions is loaded, and when."""

    source = models.CharField(max_length=100)
    edition = models.CharField(max_length=200)
    loaded_at = models.DateTimeField(auto_now=True)
    provinces = models.PositiveIntegerField()
    regencies = models.PositiveIntegerField()
    districts = models.PositiveIntegerField()
    villages = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.source} {self.edition}"
