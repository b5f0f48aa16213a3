"""The only reader of environment variables.

Every setting that can change between machines is read here, typed, and documented.
`.env.example` lists the same names. Outside dev and test, a missing required secret
stops the boot.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


class MissingSetting(RuntimeError):
    pass


def _str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return default if raw is None or raw.strip() == "" else int(raw)


def _list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


@dataclass(frozen=True)
class Env:
    #: Django's debug mode (its error pages, static files from the sources): DEBUG=1 for a
    #: developer. Off everywhere by default, the demo included, which runs as production does.
    DEBUG: bool
    #: Signs sessions, confirmation and reset links. Required in production.
    SECRET_KEY: str
    #: postgres://user:password@host:port/name. Unset: Bekal starts its embedded PostgreSQL.
    DATABASE_URL: str
    #: Keys for personal data (NIK, KK, phone): comma-separated, newest first, for rotation.
    PII_KEYS: list[str]
    #: Key of the keyed hash (blind index) used to look NIKs up. Never rotated in place.
    BLIND_INDEX_KEY: str
    ALLOWED_HOSTS: list[str]
    CSRF_TRUSTED_ORIGINS: list[str]
    #: The public address of the portal, used in links sent by email and SMS.
    SITE_URL: str
    #: redis://... for shared rate-limit counters across app servers. Unset: database cache.
    REDIS_URL: str
    EMAIL_HOST: str
    EMAIL_PORT: int
    EMAIL_HOST_USER: str
    EMAIL_HOST_PASSWORD: str
    EMAIL_USE_TLS: bool
    DEFAULT_FROM_EMAIL: str
    #: Emails a worker thread sends over one SMTP connection before opening a new one
    #: (1: a connection per email). Relays often cap messages per connection.
    SMTP_MESSAGES_PER_CONNECTION: int
    #: Show /dev/outbox, where every email and SMS can be read (demo and tests only).
    DEV_OUTBOX: bool
    #: Session and CSRF cookies only over HTTPS. Default: on unless DEBUG.
    SECURE_COOKIES: bool
    #: The waiting room's capacity: guarded requests in flight at once across all app
    #: servers. A request reaches Bekal only when a sync worker is free, so the sign of a
    #: full server is all its other workers busy: the sum over servers of their workers
    #: less one (default: one server, WEB_CONCURRENCY - 1). 0 turns the waiting room off.
    WAITING_ROOM_CAPACITY: int
    #: Path prefixes the waiting room guards (the sign-up path; "/" for every citizen page).
    WAITING_ROOM_PATHS: list[str]
    #: Database name used by the test suite (lets two suites share one server).
    TEST_DATABASE_NAME: str
    #: Base URL of the population registry (Dukcapil) verification API. Unset: the
    #: embedded registry of synthetic citizens (demo and tests).
    REGISTRY_URL: str
    REGISTRY_API_KEY: str
    #: Seconds before a registry call is abandoned (it is then retried later).
    REGISTRY_TIMEOUT: float
    #: The payment provider of incentive payouts (a SNAP-shaped HTTP API; the demo and the
    #: tests start the simulated one). Unset URL: payouts cannot be submitted.
    PAYOUT_PROVIDER_URL: str
    #: The secret shared with the provider: request and callback signatures.
    PAYOUT_PROVIDER_SECRET: str
    #: Seconds before a provider call is abandoned (the attempt is then UNKNOWN).
    PAYOUT_PROVIDER_TIMEOUT: float
    #: Days between two changes of a participant's payout account.
    PAYOUT_ACCOUNT_CHANGE_COOLDOWN_DAYS: int
    #: Days after identity verification ends before KTP photos and selfies are deleted.
    DOCUMENT_RETENTION_DAYS: int
    #: S3-compatible bucket for identity documents. Unset: files under var/media.
    DOCUMENT_S3_BUCKET: str
    DOCUMENT_S3_ENDPOINT_URL: str
    #: S3-compatible bucket for the published proofs of selections (the inputs files and
    #: selected lists), shared by the worker that writes them and the web servers that
    #: offer them. Unset: files under var/proofs. The endpoint is DOCUMENT_S3_ENDPOINT_URL.
    PROOF_S3_BUCKET: str
    #: Dotted path of the SMS gateway backend (bekal.notifications.sms).
    SMS_BACKEND: str
    #: The HTTP SMS gateway (SMS_BACKEND=bekal.notifications.sms.HttpSmsBackend).
    SMS_GATEWAY_URL: str
    SMS_GATEWAY_API_KEY: str
    SMS_GATEWAY_TIMEOUT: float
    SMS_SENDER_ID: str
    #: The secret the SMS gateway signs forwarded replies with (HMAC-SHA256); empty in
    #: production refuses every forwarded reply. Fixed and public in dev and test.
    SMS_INBOUND_SECRET: str
    #: A phone number verified by more accounts than this is flagged for review.
    PHONE_MAX_ACCOUNTS: int
    #: Assisted registration desks: the most registrations one desk, and one officer, may
    #: start in an Asia/Jakarta day; the next is refused with a message.
    DESK_DAILY_LIMIT: int
    DESK_OFFICER_DAILY_LIMIT: int
    #: A desk's day is flagged for review when its registrations exceed DESK_VOLUME_FACTOR
    #: times its average active day over the last DESK_VOLUME_WINDOW_DAYS days, and
    #: DESK_VOLUME_MINIMUM.
    DESK_VOLUME_FACTOR: int
    DESK_VOLUME_MINIMUM: int
    DESK_VOLUME_WINDOW_DAYS: int
    #: Where a citizen registered at a desk complains, as the SMS about the desk says it.
    DESK_COMPLAINTS: str
    #: Requests one partner API client (a training platform) may send a minute; more are
    #: refused with 429 and Retry-After until the minute has passed.
    PARTNER_API_REQUESTS_PER_MINUTE: int
    #: Addresses or networks (CIDR) of the proxies and load balancers in front of the app
    #: servers, comma-separated. The X-Forwarded-For header is believed only when the
    #: connection comes from one of them: the client is the right-most address in it that
    #: is not itself a trusted proxy. Empty (the default): the header is ignored and the
    #: connection's address is the client's. Rate limits and the audit log use it.
    TRUSTED_PROXIES: list[str]
    #: Staff (programme office, regional officers, admin users) must enter a code from an
    #: authenticator app (TOTP) after their password. Default: on in production, off in
    #: dev (the demo) and test; a staff member who enrolled is always asked.
    STAFF_SECOND_FACTOR_REQUIRED: bool
    #: A staff session ends this many hours after login, whatever the activity.
    STAFF_SESSION_HOURS: int
    #: A staff session ends after this many minutes without a request.
    STAFF_IDLE_MINUTES: int
    #: Strict-Transport-Security max-age in seconds (production); 0 turns HSTS off.
    HSTS_SECONDS: int
    #: Add "preload" to HSTS (on by default: every host of the domain serves HTTPS only, and
    #: `check --deploy` warns without it). Turn off for a domain whose subdomains are not
    #: all HTTPS yet; a domain on the browsers' preload list is hard to take off it.
    HSTS_PRELOAD: bool
    #: Redirect plain HTTP to HTTPS (production). Off only when the proxy does it.
    SSL_REDIRECT: bool


def settings_mode() -> str:
    """prod, dev or test: the last part of DJANGO_SETTINGS_MODULE (config.settings.<mode>)."""
    module = _str("DJANGO_SETTINGS_MODULE", "config.settings.prod")
    return module.rsplit(".", 1)[-1]


def read(*, mode: str) -> Env:
    dev_like = mode in {"dev", "test"}
    secret = _str("SECRET_KEY")
    pii_keys = _list("PII_KEYS", [])
    blind_key = _str("BLIND_INDEX_KEY")
    if not dev_like:
        missing = [
            name
            for name, value in (
                ("SECRET_KEY", secret),
                ("PII_KEYS", pii_keys),
                ("BLIND_INDEX_KEY", blind_key),
            )
            if not value
        ]
        if missing:
            raise MissingSetting(
                "Required settings are missing: " + ", ".join(missing) + " (see .env.example)"
            )
    # Dev and test keys are fixed and public on purpose: they protect nothing real.
    secret = secret or f"bekal-{mode}-secret-key-not-for-production"
    pii_keys = pii_keys or [f"bekal-{mode}-pii-key-not-for-production"]
    blind_key = blind_key or f"bekal-{mode}-blind-index-key-not-for-production"
    return Env(
        DEBUG=_bool("DEBUG", False),
        SECRET_KEY=secret,
        DATABASE_URL=_str("DATABASE_URL"),
        PII_KEYS=pii_keys,
        BLIND_INDEX_KEY=blind_key,
        ALLOWED_HOSTS=_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"]),
        CSRF_TRUSTED_ORIGINS=_list("CSRF_TRUSTED_ORIGINS", []),
        SITE_URL=_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/"),
        REDIS_URL=_str("REDIS_URL"),
        EMAIL_HOST=_str("EMAIL_HOST"),
        EMAIL_PORT=_int("EMAIL_PORT", 587),
        EMAIL_HOST_USER=_str("EMAIL_HOST_USER"),
        EMAIL_HOST_PASSWORD=_str("EMAIL_HOST_PASSWORD"),
        EMAIL_USE_TLS=_bool("EMAIL_USE_TLS", True),
        SMTP_MESSAGES_PER_CONNECTION=_int("SMTP_MESSAGES_PER_CONNECTION", 100),
        DEFAULT_FROM_EMAIL=_str("DEFAULT_FROM_EMAIL", "Bekal <no-reply@bekal.example>"),
        DEV_OUTBOX=_bool("DEV_OUTBOX", dev_like),
        SECURE_COOKIES=_bool("SECURE_COOKIES", mode == "prod"),
        # WEB_CONCURRENCY is gunicorn's own variable (its workers on this server).
        WAITING_ROOM_CAPACITY=_int("WAITING_ROOM_CAPACITY", max(1, _int("WEB_CONCURRENCY", 4) - 1)),
        WAITING_ROOM_PATHS=_list("WAITING_ROOM_PATHS", ["/daftar/"]),
        TEST_DATABASE_NAME=_str("TEST_DATABASE_NAME", "test_bekal"),
        REGISTRY_URL=_str("REGISTRY_URL"),
        REGISTRY_API_KEY=_str("REGISTRY_API_KEY"),
        REGISTRY_TIMEOUT=float(_str("REGISTRY_TIMEOUT", "5")),
        PAYOUT_PROVIDER_URL=_str("PAYOUT_PROVIDER_URL"),
        PAYOUT_PROVIDER_SECRET=_str(
            "PAYOUT_PROVIDER_SECRET", "simulasi-secret" if dev_like else ""
        ),
        PAYOUT_PROVIDER_TIMEOUT=float(_str("PAYOUT_PROVIDER_TIMEOUT", "10")),
        PAYOUT_ACCOUNT_CHANGE_COOLDOWN_DAYS=_int("PAYOUT_ACCOUNT_CHANGE_COOLDOWN_DAYS", 7),
        DOCUMENT_RETENTION_DAYS=_int("DOCUMENT_RETENTION_DAYS", 30),
        DOCUMENT_S3_BUCKET=_str("DOCUMENT_S3_BUCKET"),
        DOCUMENT_S3_ENDPOINT_URL=_str("DOCUMENT_S3_ENDPOINT_URL"),
        PROOF_S3_BUCKET=_str("PROOF_S3_BUCKET"),
        SMS_BACKEND=_str("SMS_BACKEND", "bekal.notifications.sms.OutboxOnlyBackend"),
        SMS_GATEWAY_URL=_str("SMS_GATEWAY_URL"),
        SMS_GATEWAY_API_KEY=_str("SMS_GATEWAY_API_KEY"),
        SMS_GATEWAY_TIMEOUT=float(_str("SMS_GATEWAY_TIMEOUT", "10")),
        SMS_SENDER_ID=_str("SMS_SENDER_ID", "BEKAL"),
        SMS_INBOUND_SECRET=_str("SMS_INBOUND_SECRET")
        or (f"bekal-{mode}-sms-inbound-secret-not-for-production" if dev_like else ""),
        PHONE_MAX_ACCOUNTS=_int("PHONE_MAX_ACCOUNTS", 2),
        DESK_DAILY_LIMIT=_int("DESK_DAILY_LIMIT", 40),
        DESK_OFFICER_DAILY_LIMIT=_int("DESK_OFFICER_DAILY_LIMIT", 25),
        DESK_VOLUME_FACTOR=_int("DESK_VOLUME_FACTOR", 3),
        DESK_VOLUME_MINIMUM=_int("DESK_VOLUME_MINIMUM", 10),
        DESK_VOLUME_WINDOW_DAYS=_int("DESK_VOLUME_WINDOW_DAYS", 28),
        DESK_COMPLAINTS=_str("DESK_COMPLAINTS", ""),
        PARTNER_API_REQUESTS_PER_MINUTE=_int("PARTNER_API_REQUESTS_PER_MINUTE", 600),
        TRUSTED_PROXIES=_list("TRUSTED_PROXIES", []),
        STAFF_SECOND_FACTOR_REQUIRED=_bool("STAFF_SECOND_FACTOR_REQUIRED", not dev_like),
        STAFF_SESSION_HOURS=_int("STAFF_SESSION_HOURS", 8),
        STAFF_IDLE_MINUTES=_int("STAFF_IDLE_MINUTES", 30),
        HSTS_SECONDS=_int("HSTS_SECONDS", 365 * 24 * 3600),
        HSTS_PRELOAD=_bool("HSTS_PRELOAD", True),
        SSL_REDIRECT=_bool("SSL_REDIRECT", True),
    )
