"""Card numbers: 16 digits, random, with a Luhn check digit so a mistyped digit is caught.

The number says nothing about its holder (it is not derived from the NIK): 15 digits come
from `secrets`, behind the prefix "9" (ISO/IEC 7812's major industry identifier for
national use), and the 16th is the Luhn check digit.
"""

from __future__ import annotations

import secrets

PREFIX = "9"
LENGTH = 16


def luhn_check_digit(digits: str) -> str:
    """The digit that makes `digits` + it pass the Luhn check."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:  # doubled: these sit at odd positions once the check is added
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return str((10 - total % 10) % 10)


def is_valid_card_number(number: str) -> bool:
    """16 digits whose last is the Luhn check digit of the others."""
    return (
        len(number) == LENGTH
        and number.isascii()
        and number.isdigit()
        and luhn_check_digit(number[:-1]) == number[-1]
    )


def new_card_number() -> str:
    body_length = LENGTH - len(PREFIX) - 1
    body = PREFIX + f"{secrets.randbelow(10**body_length):0{body_length}d}"
    return body + luhn_check_digit(body)
