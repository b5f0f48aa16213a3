"""Protecting personal data: encryption with rotatable keys, and keyed-hash blind indexes.

- `encrypt` / `decrypt`: Fernet (AES-128-CBC + HMAC-SHA256, with a timestamp) under
  `settings.BEKAL_PII_KEYS`, newest key first. Every key in the list decrypts; only the
  first encrypts, so a new key is rotated in by putting it first and re-encrypting
  (`rotate`) at leisure before the old one is dropped.
- `blind_index`: HMAC-SHA256 of a normalized value under `settings.BEKAL_BLIND_INDEX_KEY`
  and a purpose, so equal NIKs can be found and kept unique without storing them readable,
  and an index of one kind (NIK) cannot be matched against another (phone).

The configured secrets are stretched to keys with HKDF, so any long random string works.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class DecryptionError(Exception):
    """A value could not be decrypted with any configured key."""


def _derive(secret: str, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret.encode())


@functools.cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise RuntimeError("BEKAL_PII_KEYS is empty")
    return MultiFernet(
        [Fernet(base64.urlsafe_b64encode(_derive(k, b"bekal-pii-fernet"))) for k in keys]
    )


def _current() -> MultiFernet:
    return _fernet(tuple(settings.BEKAL_PII_KEYS))


def encrypt_bytes(data: bytes) -> bytes:
    return _current().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return _current().decrypt(token)
    except InvalidToken as exc:
        raise DecryptionError("no configured key decrypts this value") from exc


def encrypt(text: str) -> str:
    return encrypt_bytes(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    return decrypt_bytes(token.encode("ascii")).decode()


def rotate(token: str) -> str:
    """Re-encrypt under the newest key (a no-op for the reader)."""
    return _current().rotate(token.encode("ascii")).decode("ascii")


@functools.cache
def _index_key(secret: str, purpose: str) -> bytes:
    return _derive(secret, b"bekal-blind-index:" + purpose.encode())


def blind_index(value: str, *, purpose: str) -> str:
    """Hex HMAC-SHA256 of `value` for lookups and uniqueness; `purpose` names the kind."""
    key = _index_key(settings.BEKAL_BLIND_INDEX_KEY, purpose)
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
