"""Money is an integer number of rupiah, never a float."""

from __future__ import annotations


def format_rupiah(amount: int) -> str:
    """Rp 1.000.000 as Indonesians write it."""
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError("amounts are integer rupiah")
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")
