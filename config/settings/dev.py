"""Development and the demo: the outbox at /dev/outbox, mail kept in the outbox only."""

from config.settings.base import *  # noqa: F403

# Mail is recorded in the outbox table and shown at /dev/outbox; nothing leaves the machine.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
