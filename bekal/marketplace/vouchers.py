"""Voucher codes: 12 characters of Crockford's base 32 (no I, L, O or U), so a code read
aloud or typed from a phone screen has no look-alike letters; 60 random bits."""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
#: What people type by mistake for a character of the alphabet.
_LOOKALIKES = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def new_voucher_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize_voucher_code(text: str) -> str:
    """The stored form of a typed code: upper case, without spaces or dashes, look-alike
    letters read as the characters they resemble. '' if it cannot be a code."""
    code = "".join(text.split()).replace("-", "").upper().translate(_LOOKALIKES)
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return ""
    return code


def mask_voucher_code(code: str) -> str:
    """XXXX-XXXX-7Q2M: a code where staff may see it, enough to tell one from another."""
    return f"XXXX-XXXX-{code[-4:]}"
