"""Production: everything from base; secrets required (config.env stops the boot)."""

from config.settings.base import *  # noqa: F403

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
