"""People who use Bekal: participants, regional officers, programme-office staff."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bekal.core import crypto


def normalize_email(email: str) -> str:
    """Emails are compared without case and surrounding spaces (the whole address)."""
    return email.strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=normalize_email(username or ""))

    def create_user(self, email: str | None, password: str | None = None, **fields: Any) -> User:
        # A phone-number account has no email (None, not "": the column is unique).
        user = self.model(email=normalize_email(email) if email else None, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("role", User.Role.PROGRAMME_ADMIN)
        fields.setdefault("email_confirmed_at", timezone.now())
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("Participant")
        REGIONAL_OFFICER = "regional_officer", _("Regional labour office officer")
        #: A province's labour office: the figures of every regency/city of the province.
        PROVINCE_OFFICER = "province_officer", _("Province labour office officer")
        PROGRAMME_ADMIN = "programme_admin", _("Programme office")

    #: Stored normalized (trimmed, lower case), so uniqueness is case-insensitive. None for
    #: a phone-number account (a person without email, registered at an assisted desk).
    email = models.EmailField(
        _("email address"), max_length=254, unique=True, null=True, blank=True
    )
    #: A phone-number account's login: its mobile number (E.164) encrypted, found by its
    #: blind index (purpose "phone", the same as VerifiedPhone's), shown masked.
    login_phone_encrypted = models.TextField(blank=True, default="", db_default="")
    login_phone_index = models.CharField(max_length=64, unique=True, null=True, blank=True)
    login_phone_masked = models.CharField(max_length=20, blank=True, default="", db_default="")
    #: When the holder of the login number proved it with an SMS code (the activation).
    phone_confirmed_at = models.DateTimeField(null=True, blank=True)
    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.PARTICIPANT)
    #: The regency/city an officer works for: an officer sees only this region.
    region = models.ForeignKey(
        "regions.Regency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("region"),
    )
    #: The province a province officer works for.
    province = models.ForeignKey(
        "regions.Province",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("province"),
    )
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    #: The language the person chose; emails are written in it.
    language = models.CharField(max_length=8, default="id")

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email__isnull=False) | models.Q(login_phone_index__isnull=False),
                name="accounts_user_email_or_phone",
            ),
        ]

    def __str__(self) -> str:
        return self.email or self.login_phone_masked

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_phone_account(self) -> bool:
        """An account keyed by a mobile number: no email, every message goes by SMS."""
        return not self.email and bool(self.login_phone_index)

    @property
    def account_confirmed(self) -> bool:
        """The email is confirmed, or (a phone-number account) the login number is."""
        if self.is_phone_account:
            return self.phone_confirmed_at is not None
        return self.email_confirmed

    def message_phone(self) -> str:
        """Where the messages of a phone-number account go (E.164); "" for email accounts.

        bekal.notifications reads it (duck-typed) to pick the channel of a notice."""
        if not self.is_phone_account:
            return ""
        return crypto.decrypt(self.login_phone_encrypted)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else str(self)


class AuthThrottle(models.Model):
    """Counters of failed logins and reset requests, per account and per IP address.

    Kept in PostgreSQL (not the cache) so that every app server sees the same counts and
    a restart does not reset a lockout. Keys are hashed so no email is stored here.
    """

    scope = models.CharField(max_length=32)
    key_hash = models.CharField(max_length=64)
    window_started_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key_hash"], name="accounts_throttle_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key_hash[:8]} {self.count}"


class PhoneChallenge(models.Model):
    """One SMS code sent to one mobile number for one account (bekal.accounts.phone_verification).

    The number is kept encrypted with a blind index (purpose "phone"); the code only as
    a keyed hash with a salt of its own, never readable.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the code")
        VERIFIED = "verified", _("Verified")
        REPLACED = "replaced", _("Replaced by a newer code")
        BLOCKED = "blocked", _("Blocked after too many wrong codes")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="phone_challenges")
    phone_encrypted = models.TextField()
    phone_index = models.CharField(max_length=64)
    phone_masked = models.CharField(max_length=20)
    code_salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "-created_at"], name="accounts_challenge_user_idx"),
            models.Index(
                fields=["phone_index", "-created_at"], name="accounts_challenge_phone_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.phone_masked} {self.status}"


class VerifiedPhone(models.Model):
    """A mobile number an account proved it holds. The current one has no `replaced_at`.

    Incentives are paid to this number, so `verified_at` is kept: a rule may refuse a
    change within months of it. A change is a new verification and a new row.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verified_phones")
    phone_encrypted = models.TextField()
    phone_index = models.CharField(max_length=64)
    phone_masked = models.CharField(max_length=20)
    verified_at = models.DateTimeField()
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(replaced_at__isnull=True),
                name="accounts_one_current_phone",
            ),
        ]
        indexes = [
            models.Index(
                fields=["phone_index"],
                condition=models.Q(replaced_at__isnull=True),
                name="accounts_current_phone_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.phone_masked


class PhonePasswordCode(models.Model):
    """A 6-digit code sent by SMS to a phone-number account's login number, to set its
    password from any device (bekal.accounts.phone_accounts). Kept as a keyed hash only."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the code")
        USED = "used", _("Used")
        REPLACED = "replaced", _("Replaced by a newer code")
        BLOCKED = "blocked", _("Blocked after too many wrong codes")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_codes")
    code_salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "-created_at"], name="accounts_pwcode_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.status}"


class PhoneFlag(models.Model):
    """A mobile number verified by more accounts than settings.BEKAL_PHONE_MAX_ACCOUNTS.

    Not a refusal (families share phones): a case for the programme office to review.
    """

    phone_index = models.CharField(max_length=64, unique=True)
    phone_encrypted = models.TextField()
    phone_masked = models.CharField(max_length=20)
    #: Accounts whose current verified number this is, when last counted.
    account_count = models.PositiveIntegerField()
    flagged_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.phone_masked} ({self.account_count})"


class PartnerClient(models.Model):
    """An organisation that calls a Bekal partner API: a training platform today, a
    payment partner later. What it may see is decided by the app that owns its records
    (bekal.marketplace for a platform), never by ids it sends."""

    class Kind(models.TextChoices):
        TRAINING_PLATFORM = "training_platform", _("Training platform")
        PAYMENT_PARTNER = "payment_partner", _("Payment partner")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("partner API client")

    def __str__(self) -> str:
        return self.name


class PartnerCredential(models.Model):
    """A key the client signs its requests with (HMAC-SHA256).

    The key id is public (sent with every request). The secret is shown once when it is
    issued and kept encrypted (bekal.core.crypto), because verifying an HMAC needs it. A
    client may hold two live credentials while it rotates; a revoked one signs nothing.
    """

    client = models.ForeignKey(PartnerClient, on_delete=models.PROTECT, related_name="credentials")
    key_id = models.CharField(max_length=40, unique=True)
    secret_encrypted = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("partner API credential")

    def __str__(self) -> str:
        return self.key_id


class PartnerNonce(models.Model):
    """A nonce a credential has signed a request with: a second request with the same
    nonce is a replay and is refused. Kept while the request's timestamp could still be
    accepted (until `expires_at`), then purged (bekal.accounts.tasks)."""

    credential = models.ForeignKey(PartnerCredential, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=64)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("partner request nonce")
        constraints = [
            models.UniqueConstraint(fields=["credential", "nonce"], name="accounts_partner_nonce")
        ]
        indexes = [models.Index(fields=["expires_at"], name="accounts_partner_nonce_expiry")]

    def __str__(self) -> str:
        return self.nonce


class PartnerIdempotencyRecord(models.Model):
    """The response a client's write got, under the Idempotency-Key it sent: the same key
    with the same request gets the same response again and acts once; the same key with
    another request is refused."""

    client = models.ForeignKey(PartnerClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    method = models.CharField(max_length=8)
    #: The path with its query string, as signed.
    path = models.TextField()
    body_sha256 = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    #: The JSON body exactly as it was sent, so a replay is byte for byte the same.
    response_body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("partner idempotency record")
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="accounts_partner_idempotency")
        ]
        indexes = [models.Index(fields=["created_at"], name="accounts_partner_idem_created")]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.key}"


class StaffTotpDevice(models.Model):
    """A staff member's authenticator app (TOTP, RFC 6238): bekal.accounts.second_factor.

    The shared secret is encrypted (bekal.core.crypto). `last_step` is the time step of
    the last code accepted, so a code is never accepted twice. A device is in use once
    confirmed by a first valid code; one device per person.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret_encrypted = models.TextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"totp {self.user_id} {'confirmed' if self.confirmed_at else 'pending'}"
