"""The bank account compensation is paid to: a Polish IBAN checked with schwifty, shown with its bank."""

from __future__ import annotations

from desk.services.errors import N_
from desk.services.shared.banks import BadAccount, BankAccount, polish_account

_MESSAGES = {
    "empty": N_("Enter the bank account for the compensation."),
    "invalid": N_("This is not a valid bank account number."),
    "foreign": N_("The account must be a Polish bank account."),
}


def read_iban(value: str) -> tuple[BankAccount | None, tuple[str, dict] | None]:
    """(the account, None) or (None, (message, params)) for the form. Poles write the 26-digit NRB without
    the country code, so 26 digits are read as a Polish IBAN; only Polish accounts are taken."""
    try:
        return polish_account(value), None
    except BadAccount as bad:
        return None, (_MESSAGES[bad.reason], {})
