"""Log in with email and password (case-insensitive email)."""

from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    pass
