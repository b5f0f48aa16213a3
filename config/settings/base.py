"""Settings shared by every environment, with safe production defaults (DEBUG off)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from config import database
from config.env import BASE_DIR, read, settings_mode

MODE = settings_mode()
ENV = read(mode=MODE)

SECRET_KEY = ENV.SECRET_KEY
DEBUG = ENV.DEBUG
ALLOWED_HOSTS = ENV.ALLOWED_HOSTS
CSRF_TRUSTED_ORIGINS = ENV.CSRF_TRUSTED_ORIGINS
SITE_URL = ENV.SITE_URL
# The web layer builds the portal links that messages carry (bekal.core.links).
BEKAL_PORTAL_LINKS = "bekal.web.portal.links.PortalLinks"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # WhiteNoise serves static files in every mode, runserver included.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "procrastinate.contrib.django",
    # The partner API's interactive docs are served from ninja's own static files.
    "ninja",
    "bekal.core",
    "bekal.regions",
    "bekal.identity",
    "bekal.notifications",
    "bekal.accounts",
    "bekal.registration",
    "bekal.assessment",
    "bekal.programmes",
    "bekal.selection",
    "bekal.cards",
    "bekal.ledger",
    "bekal.marketplace",
    "bekal.care",
    "bekal.disbursements",
    "bekal.reporting",
    "bekal.desks",
    "bekal.web.portal",
    "bekal.web.backoffice",
    "bekal.web.desk",
    "bekal.web.dashboards",
    "bekal.web.devtools",
    "bekal.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "bekal.web.content_security.ContentSecurityPolicyMiddleware",
    # Static files (compressed, cache-busted names) as production serves them, then the
    # pages themselves compressed (Django pads gzip against BREACH; CSRF tokens are masked).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    # Before sessions and everything else that reads the database: over capacity, a
    # newcomer's waiting page costs one counter query (bekal.web.waiting_room).
    "bekal.web.waiting_room.WaitingRoomMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bekal.web.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which reads the body: an upload over its view's limit is
    # refused from its Content-Length, unread.
    "bekal.web.body_limit.BodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "bekal.web.staff_sessions.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

DATABASES = {
    "default": database.django_database(
        database.database_url(ENV.DATABASE_URL), test_name=ENV.TEST_DATABASE_NAME
    )
}
DATABASES["default"]["OPTIONS"]["pool"] = {"min_size": 1, "max_size": 8, "timeout": 10}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "bekal.accounts.backends.EmailBackend",
    "bekal.accounts.backends.PhoneNumberBackend",
]
PASSWORD_HASHERS = [
    "bekal.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    # Compares with the full name (also run together: "budisantoso") and the email.
    {"NAME": "bekal.accounts.passwords.PersonalInformationSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"

# Bahasa Indonesia first, English second. Time: Asia/Jakarta for people, UTC in the database.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# Static files: CSS and JS in files (none inline), collected by `collectstatic` (the demo
# and the test session run it) with cache-busted, compressed copies that WhiteNoise serves
# with a year's cache. DEBUG=1 serves them straight from the sources instead.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "bekal" / "web" / "static"]
# Files served at the site's root: /favicon.ico.
WHITENOISE_ROOT = BASE_DIR / "bekal" / "web" / "root"
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = BASE_DIR / "var" / "media"

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": ENV.REDIS_URL}
        if ENV.REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "bekal_cache",
        }
    )
}

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = ENV.SECURE_COOKIES
CSRF_COOKIE_SECURE = ENV.SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Every response (bekal.web.content_security): Bekal's own files only, no inline script or
# style. Images may be data: (the partner API docs' icons) or blob: (a photo previewed
# before it is uploaded).
BEKAL_CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = ENV.EMAIL_HOST
EMAIL_PORT = ENV.EMAIL_PORT
EMAIL_HOST_USER = ENV.EMAIL_HOST_USER
EMAIL_HOST_PASSWORD = ENV.EMAIL_HOST_PASSWORD
EMAIL_USE_TLS = ENV.EMAIL_USE_TLS
BEKAL_SMTP_MESSAGES_PER_CONNECTION = ENV.SMTP_MESSAGES_PER_CONNECTION
#: An SMTP connection idle this long is closed before the next email (servers drop them).
BEKAL_SMTP_IDLE_SECONDS = 30
DEFAULT_FROM_EMAIL = ENV.DEFAULT_FROM_EMAIL


# Personal data protection (see bekal.core.crypto).
BEKAL_PII_KEYS = ENV.PII_KEYS
BEKAL_BLIND_INDEX_KEY = ENV.BLIND_INDEX_KEY
BEKAL_DEV_OUTBOX = ENV.DEV_OUTBOX

# Accounts: confirmation links and throttles (NIST SP 800-63B 5.2.2: at most 100 failed
# attempts per account; we are stricter and add a per-address limit).
BEKAL_CONFIRMATION_MAX_AGE = 3 * 24 * 3600
PASSWORD_RESET_TIMEOUT = 3600
BEKAL_CONFIRMATION_RESEND_INTERVAL = 60
BEKAL_CONFIRMATION_RESEND_PER_DAY = 5
BEKAL_LOGIN_FAILURES_PER_ACCOUNT = 10
BEKAL_LOGIN_FAILURES_PER_IP = 50
BEKAL_LOGIN_LOCKOUT_SECONDS = 15 * 60
BEKAL_RESET_REQUESTS_PER_ACCOUNT = 3
BEKAL_RESET_REQUESTS_PER_IP = 20
BEKAL_RESET_WINDOW_SECONDS = 3600
# Addresses in front of the app servers (load balancers): their X-Forwarded-For is
# believed, nobody else's (bekal.core.client_address.client_ip).
BEKAL_TRUSTED_PROXIES = ENV.TRUSTED_PROXIES

# Staff (programme office, regional officers, admin users): a second factor (TOTP), and
# short sessions that also end when idle (bekal.web.staff_sessions).
BEKAL_STAFF_SECOND_FACTOR_REQUIRED = ENV.STAFF_SECOND_FACTOR_REQUIRED
BEKAL_STAFF_SESSION_HOURS = ENV.STAFF_SESSION_HOURS
BEKAL_STAFF_IDLE_MINUTES = ENV.STAFF_IDLE_MINUTES
BEKAL_SECOND_FACTOR_FAILURES = 5
BEKAL_SECOND_FACTOR_ISSUER = "Bekal"
# A back-office search is held (encrypted) this long under its opaque id.
BEKAL_STAFF_SEARCH_LIFETIME_SECONDS = 8 * 3600
# This many refused attempts by one officer to open records outside their region within
# the window raise an alert for the programme office (/kantor/peringatan/).
BEKAL_REFUSED_READS_BURST = 10
BEKAL_REFUSED_READS_WINDOW_SECONDS = 10 * 60

# The waiting room (bekal.web.waiting_room): guarded requests in flight at once across
# all app servers; over it, newcomers queue in arrival order with a signed ticket.
BEKAL_WAITING_ROOM_CAPACITY = ENV.WAITING_ROOM_CAPACITY
BEKAL_WAITING_ROOM_PATHS = ENV.WAITING_ROOM_PATHS
# Never guarded: staff pages, the partner API, static files, language switch.
BEKAL_WAITING_ROOM_EXEMPT = ["/kantor/", "/admin/", "/meja/", "/api/", "/static/", "/i18n/"]
# Seconds between a waiting page's refreshes (its Retry-After).
BEKAL_WAITING_ROOM_RETRY_SECONDS = 1
# A place let in is held this long for its holder to come back (a refresh away) before
# the line moves past it; the line moves by the free places besides those held.
BEKAL_WAITING_ROOM_HOLD_SECONDS = 3
# How long an admission ticket lets its holder through (a form filled in slowly).
BEKAL_WAITING_ROOM_TICKET_SECONDS = 30 * 60
# A place in line lapses if not claimed within this long.
BEKAL_WAITING_ROOM_PLACE_SECONDS = 30 * 60
# In-flight counts untouched this long are stale (a killed worker never said it left).
BEKAL_WAITING_ROOM_STALE_SECONDS = 60

# Identity documents (KTP photo, selfie): encrypted before they reach the storage.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "identity_documents": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": ENV.DOCUMENT_S3_BUCKET,
                "endpoint_url": ENV.DOCUMENT_S3_ENDPOINT_URL or None,
                "default_acl": "private",
                "file_overwrite": False,
            },
        }
        if ENV.DOCUMENT_S3_BUCKET
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": BASE_DIR / "var" / "documents"},
        }
    ),
    # The published proof of each selection (the canonical inputs, the selected list):
    # public documents, written by the publication job and offered on the wave's page.
    "selection_proofs": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": ENV.PROOF_S3_BUCKET,
                "endpoint_url": ENV.DOCUMENT_S3_ENDPOINT_URL or None,
                "default_acl": "private",
                "file_overwrite": False,
            },
        }
        if ENV.PROOF_S3_BUCKET
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": BASE_DIR / "var" / "proofs"},
        }
    ),
}
# Care tickets' attachments: encrypted before they reach the storage, like the documents.
STORAGES["care_attachments"] = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": ENV.DOCUMENT_S3_BUCKET,
            "endpoint_url": ENV.DOCUMENT_S3_ENDPOINT_URL or None,
            "location": "care",
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
    if ENV.DOCUMENT_S3_BUCKET
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": BASE_DIR / "var" / "care"},
    }
)
BEKAL_DOCUMENT_RETENTION_DAYS = ENV.DOCUMENT_RETENTION_DAYS
BEKAL_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
BEKAL_DOCUMENT_MAX_PIXELS = 40_000_000
#: The documents page shrinks a photo in the browser to this long side (JPEG) before upload.
BEKAL_DOCUMENT_BROWSER_MAX_SIDE = 1600
#: The documents form's whole body: two photos at most, and the form around them. A larger
#: declared Content-Length is refused before the body is read.
BEKAL_DOCUMENT_MAX_BODY_BYTES = 2 * BEKAL_DOCUMENT_MAX_BYTES + 256 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Population registry (Dukcapil): HTTP client when REGISTRY_URL is set, else embedded.
BEKAL_REGISTRY_URL = ENV.REGISTRY_URL
BEKAL_REGISTRY_API_KEY = ENV.REGISTRY_API_KEY
BEKAL_REGISTRY_TIMEOUT = ENV.REGISTRY_TIMEOUT
BEKAL_REGISTRY_FILE = BASE_DIR / "var" / "registry" / "citizens.csv.gz"

# Incentive payouts: one payment provider behind bekal.disbursements.providers (the
# simulated one in the demo and the tests, reached over HTTP like a real one).
BEKAL_PAYOUT_PROVIDER_CODE = "simulasi"
BEKAL_PAYOUT_PROVIDER_URL = ENV.PAYOUT_PROVIDER_URL
BEKAL_PAYOUT_PROVIDER_SECRET = ENV.PAYOUT_PROVIDER_SECRET
BEKAL_PAYOUT_PROVIDER_TIMEOUT = ENV.PAYOUT_PROVIDER_TIMEOUT
BEKAL_PAYOUT_ACCOUNT_CHANGE_COOLDOWN_DAYS = ENV.PAYOUT_ACCOUNT_CHANGE_COOLDOWN_DAYS
#: Instalments per batch: one ledger posting of at most this many lines + the in-flight
#: sub-accounts (docs/decisions/0004: a posting's check grows with its lines squared).
BEKAL_PAYOUT_BATCH_SIZE = 500

# Phone verification by SMS OTP.
BEKAL_SMS_BACKEND = ENV.SMS_BACKEND
BEKAL_SMS_GATEWAY_URL = ENV.SMS_GATEWAY_URL
BEKAL_SMS_GATEWAY_API_KEY = ENV.SMS_GATEWAY_API_KEY
BEKAL_SMS_GATEWAY_TIMEOUT = ENV.SMS_GATEWAY_TIMEOUT
BEKAL_SMS_SENDER_ID = ENV.SMS_SENDER_ID
BEKAL_SMS_FILE = BASE_DIR / "var" / "sms" / "messages.jsonl"
BEKAL_OTP_TTL_SECONDS = 5 * 60
BEKAL_OTP_MAX_ATTEMPTS = 5
BEKAL_OTP_RESEND_INTERVAL = 60
BEKAL_OTP_MAX_SENDS_PER_DAY = 5
BEKAL_PHONE_MAX_ACCOUNTS = ENV.PHONE_MAX_ACCOUNTS

# Assisted registration desks (bekal.desks): daily limits and flags against brokers.
BEKAL_DESK_DAILY_LIMIT = ENV.DESK_DAILY_LIMIT
BEKAL_DESK_OFFICER_DAILY_LIMIT = ENV.DESK_OFFICER_DAILY_LIMIT
BEKAL_DESK_VOLUME_FACTOR = ENV.DESK_VOLUME_FACTOR
BEKAL_DESK_VOLUME_MINIMUM = ENV.DESK_VOLUME_MINIMUM
BEKAL_DESK_VOLUME_WINDOW_DAYS = ENV.DESK_VOLUME_WINDOW_DAYS
BEKAL_DESK_COMPLAINTS = ENV.DESK_COMPLAINTS

# The training marketplace. A voucher of a scheduled session is redeemed from this many
# minutes before its start to this many after (the programme's rule: one hour each way).
BEKAL_REDEEM_WINDOW_BEFORE_MINUTES = 60
BEKAL_REDEEM_WINDOW_AFTER_MINUTES = 60
# The partner API: signed requests older (or newer) than this are refused, and a nonce
# is remembered for as long; requests a client may send a minute.
BEKAL_PARTNER_API_CLOCK_SKEW_SECONDS = 300
BEKAL_PARTNER_API_REQUESTS_PER_MINUTE = ENV.PARTNER_API_REQUESTS_PER_MINUTE
# Requests naming one live key id that may fail authentication (bad signature, old
# timestamp, reused nonce) a minute; then that key id's failing requests wait (its
# well-signed ones are still served).
BEKAL_PARTNER_API_FAILURES_PER_MINUTE = 60
# Requests with no usable key (no signature, unknown or revoked key id) one address may
# send a minute: a coarse backstop, since many platforms may share a load balancer's
# address; it never stops a request that names a live key id.
BEKAL_PARTNER_API_ADDRESS_FAILURES_PER_MINUTE = 600

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Personal numbers are masked in every record (bekal.core.masking); the filter keeps
    # it so for records made before the app registry is ready.
    "filters": {"personal_numbers": {"()": "bekal.core.masking.PersonalNumberFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["personal_numbers"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "bekal": {"level": "INFO"},
        "procrastinate": {"level": "WARNING"},
    },
}

# Care tickets (bekal.care): the working calendar of the SLA clocks (Asia/Jakarta; plus
# Indonesia's public holidays and cuti bersama from the holidays package), and the targets
# in working days, after SP4N-LAPOR!. Dates in BEKAL_CARE_EXTRA_CLOSED_DATES (ISO) close too.
BEKAL_CARE_WORKING_HOURS = ("08:00", "19:00")
BEKAL_CARE_WORKING_DAYS = [0, 1, 2, 3, 4]
BEKAL_CARE_EXTRA_CLOSED_DATES: list[str] = []
BEKAL_CARE_FIRST_RESPONSE_DAYS = 3
# An officer's answer to a citizen's reply on an answered ticket (Bekal's own choice).
BEKAL_CARE_UPDATE_DAYS = 3
BEKAL_CARE_RESOLUTION_DAYS = {
    "information": 5,
    "complaint": 5,
    "identity": 5,
    "dispute": 14,
    "fraud": 14,
    "broker": 14,
    "field_check": 60,
}
BEKAL_CARE_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
# The SMS gateway signs the replies it forwards (HMAC-SHA256) with this shared secret.
BEKAL_SMS_INBOUND_SECRET = ENV.SMS_INBOUND_SECRET
BEKAL_SMS_INBOUND_CLOCK_SKEW_SECONDS = 300
