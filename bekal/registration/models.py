"""The participant's registration: profile, identity check, declaration.

The NIK and KK numbers are personal data: stored encrypted (bekal.core.crypto, rotatable
keys), found and kept unique by a keyed hash (blind index), and shown masked. The masked
form (3201********0001) is stored too, so that lists never decrypt.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bekal.core.models import TimestampedModel
from bekal.identity.registry import BIRTH_DATE, FULL_NAME


class Citizenship(models.TextChoices):
    WNI = "WNI", _("Indonesian citizen (WNI)")
    FOREIGN_RESIDENT = "WNA", _("Foreign resident (WNA)")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Education(models.TextChoices):
    NONE = "none", _("No formal schooling")
    SD = "sd", _("Primary school (SD)")
    SMP = "smp", _("Junior high school (SMP)")
    SMA_SMK = "sma_smk", _("Senior or vocational high school (SMA/SMK)")
    D1_D3 = "d1_d3", _("Diploma (D1 to D3)")
    D4_S1 = "d4_s1", _("Bachelor's degree or D4 (S1/D4)")
    S2_S3 = "s2_s3", _("Master's degree or doctorate (S2/S3)")


class EmploymentStatus(models.TextChoices):
    JOB_SEEKER = "job_seeker", _("Looking for work")
    LAID_OFF = "laid_off", _("Laid off")
    NEEDS_NEW_SKILLS = "needs_new_skills", _("Working (or furloughed) and needing new skills")
    BUSINESS_OWNER = "business_owner", _("Owner of a micro or small business")


class Profile(TimestampedModel):
    """What the participant typed, as on the KTP, plus the programme's own questions."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registration_profile"
    )
    nik_encrypted = models.TextField()
    #: blind_index(nik, purpose="nik"): one NIK belongs to one account.
    nik_index = models.CharField(max_length=64)
    nik_masked = models.CharField(_("NIK"), max_length=16)
    kk_encrypted = models.TextField()
    #: blind_index(kk, purpose="kk"): not unique, a family shares its card.
    kk_index = models.CharField(max_length=64, db_index=True)
    kk_masked = models.CharField(_("family card (KK) number"), max_length=16)
    full_name = models.CharField(_("full name as on the KTP"), max_length=150)
    birth_place = models.CharField(_("place of birth"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    ktp_street = models.CharField(_("address on the KTP"), max_length=255)
    ktp_village = models.ForeignKey(
        "regions.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    domicile_same_as_ktp = models.BooleanField(_("living at the KTP address"), default=True)
    #: The domicile is always filled: a copy of the KTP address when it is the same.
    domicile_street = models.CharField(_("domicile address"), max_length=255)
    domicile_village = models.ForeignKey(
        "regions.Village", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    #: Denormalized from domicile_village: every regional statistic and quota filters on it.
    domicile_regency = models.ForeignKey(
        "regions.Regency",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("regency/city of domicile"),
    )
    education = models.CharField(_("education"), max_length=8, choices=Education.choices)
    employment_status = models.CharField(
        _("employment status"), max_length=20, choices=EmploymentStatus.choices
    )
    in_school = models.BooleanField(_("in school or university"))
    in_excluded_occupation = models.BooleanField(_("in an excluded occupation"))
    submitted_at = models.DateTimeField()

    class Meta:
        verbose_name = _("participant profile")
        constraints = [
            models.UniqueConstraint(fields=["nik_index"], name="registration_profile_nik_unique")
        ]

    def __str__(self) -> str:
        return self.nik_masked


class IdentityCheck(TimestampedModel):
    """The population registry's verdict on the profile's NIK, name and date of birth.

    A row of its own rather than fields on Profile: the worker writes it while the
    participant may be saving the profile, and neither write may overwrite the other.
    Each submission that needs checking starts a new `round`; an answer that arrives for
    an older round is discarded.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Being checked")
        VERIFIED = "verified", _("Verified")
        MISMATCH = "mismatch", _("Does not match the population registry")
        NOT_FOUND = "not_found", _("Not found in the population registry")

    FIELD_LABELS = {FULL_NAME: _("full name"), BIRTH_DATE: _("date of birth")}

    profile = models.OneToOneField(Profile, on_delete=models.CASCADE, related_name="identity_check")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    #: For MISMATCH: the fields the registry holds differently ("full_name", "birth_date").
    mismatched_fields = models.JSONField(default=list, blank=True)
    #: For VERIFIED: the holder's citizenship as the registry answered it ("WNI", or
    #: "WNA": a foreign permanent resident, who also holds a NIK); "" before an answer.
    citizenship = models.CharField(
        _("citizenship"), max_length=3, choices=Citizenship.choices, blank=True
    )
    round = models.PositiveIntegerField(default=1)
    requested_at = models.DateTimeField()
    #: Calls to the registry in this round (an unavailable registry makes several).
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("identity check")
        indexes = [
            models.Index(
                fields=["last_attempt_at", "requested_at"],
                condition=Q(status="pending"),
                name="registration_check_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.profile_id} {self.status} (round {self.round})"

    @property
    def mismatched_labels(self) -> list[str]:
        """The mismatching fields in the reader's language."""
        return [str(self.FIELD_LABELS.get(field, field)) for field in self.mismatched_fields]


class Declaration(models.Model):
    """The participant accepted a version of the declaration (bekal.registration.declaration).

    Append-only: signing again (a new version) adds a row.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.CharField(max_length=32)
    #: The language the text was shown in, and the SHA-256 of that exact text.
    language = models.CharField(max_length=8)
    text_hash = models.CharField(max_length=64)
    accepted_at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("declaration")
        ordering = ["-accepted_at", "-id"]
        indexes = [models.Index(fields=["user", "-accepted_at"], name="registration_decl_user")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.version} {self.accepted_at:%Y-%m-%d}"


class DuplicateNikAttempt(models.Model):
    """Someone tried to register a NIK that another account holds."""

    nik_index = models.CharField(max_length=64, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ip = models.GenericIPAddressField(null=True, blank=True)
    attempted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("duplicate NIK attempt")
        ordering = ["-attempted_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.attempted_at:%Y-%m-%d %H:%M}"
