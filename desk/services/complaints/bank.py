"""The bank account compensation is paid to: a Polish IBAN checked with schwifty, shown with its bank."""

from __future__ import annotations

from dataclasses import dataclass

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from desk.services.errors import N_


@dataclass(frozen=True)
class BankAccount:
    iban: str  # compact, with PL
    bank_name: str  # "" when schwifty does not know the bank

    @property
    def formatted(self) -> str:
        return " ".join(self.iban[i : i + 4] for i in range(0, len(self.iban), 4))


def read_iban(value: str) -> tuple[BankAccount | None, tuple[str, dict] | None]:
    """(the account, None) or (None, (message, params)) for the form. Poles write the 26-digit NRB without
    the country code, so 26 digits are read as a Polish IBAN; only Polish accounts are taken."""
    compact = "".join(value.split()).upper()
    if not compact:
        return None, (N_("Enter the bank account for the compensation."), {})
    if compact.isdigit() and len(compact) == 26:
        compact = "PL" + compact
    try:
        iban = IBAN(compact)
    except SchwiftyException:
        return None, (N_("This is not a valid bank account number."), {})
    if iban.country_code != "PL":
        return None, (N_("The account must be a Polish bank account."), {})
    return BankAccount(iban.compact, iban.bank_name or ""), None
