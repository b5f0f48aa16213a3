"""Argon2id with the OWASP password-storage parameters.

OWASP's minimum for Argon2id: m=19 MiB, t=2, p=1. Django's own Argon2PasswordHasher uses
argon2-cffi's heavier defaults (m=100 MiB, t=3, p=8 lanes); at a national sign-up surge the
hash is most of the request's cost, so we pick the documented minimum that is still safe.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    algorithm = "argon2"  # same encoded format: Django's hasher verifies these hashes too
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
