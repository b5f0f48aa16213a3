"""Why an instalment failed, and the one thing to do, in the participant's words."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

_ADVICE = {
    "invalid_account": (
        gettext_noop("The account number was not found by the bank or e-wallet."),
        gettext_noop("Link your account again with the right number."),
    ),
    "closed_account": (
        gettext_noop("The account is closed."),
        gettext_noop("Link an account that is open."),
    ),
    "name_mismatch": (
        gettext_noop("The account is not in the name on your KTP."),
        gettext_noop("Link an account in your own name."),
    ),
    "balance_cap": (
        gettext_noop(
            "The e-wallet cannot hold more money (its balance limit was reached, or it is "
            "not upgraded)."
        ),
        gettext_noop("Upgrade the e-wallet, or link a bank account."),
    ),
    "returned": (
        gettext_noop("The payment was returned by the bank or e-wallet after it was made."),
        gettext_noop("Link an account that can receive money."),
    ),
}
_DEFAULT = (gettext_noop("The payment was refused."), gettext_noop("Link another account."))


def failure_advice(code: str) -> tuple[str, str]:
    """(why, what to do), translated in the active language."""
    why, todo = _ADVICE.get(code, _DEFAULT)
    return gettext(why), gettext(todo)
