"""Production: everything from base; secrets required (config.env stops the boot)."""

from config.settings.base import *  # noqa: F403

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# HTTPS only: redirect, HSTS (preload by a setting), cookies never sent over HTTP.
SECURE_SSL_REDIRECT = ENV.SSL_REDIRECT  # noqa: F405
SECURE_HSTS_SECONDS = ENV.HSTS_SECONDS  # noqa: F405
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = ENV.HSTS_PRELOAD  # noqa: F405
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
