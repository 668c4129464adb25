"""Polish bank accounts as people type them (IBAN, or the 26-digit NRB without "PL", with spaces or dashes),
checked by schwifty's checksum and shown with the bank's name from its registry. Billing (withdrawals),
cash on delivery and complaints (compensation) read accounts with this one function."""

from __future__ import annotations

from dataclasses import dataclass

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException


@dataclass(frozen=True)
class BankAccount:
    iban: str  # compact, with PL
    bank_name: str  # "" when the registry does not know the bank

    @property
    def formatted(self) -> str:
        return " ".join(self.iban[i : i + 4] for i in range(0, len(self.iban), 4))


class BadAccount(ValueError):
    """Why a typed account was not taken: `empty`, `invalid` (checksum, length) or `foreign`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def polish_account(text: str | None) -> BankAccount:
    """The checked Polish account; BadAccount says why not."""
    compact = "".join((text or "").split()).replace("-", "").upper()
    if not compact:
        raise BadAccount("empty")
    if compact.isdigit() and len(compact) == 26:
        compact = "PL" + compact
    try:
        iban = IBAN(compact)
    except SchwiftyException:
        raise BadAccount("invalid") from None
    if iban.country_code != "PL":
        raise BadAccount("foreign")
    return BankAccount(iban.compact, iban.bank_name or "")


def bank_name(iban: str) -> str:
    """The bank of an account number, stored or as typed ("" when unknown or not a valid Polish account)."""
    try:
        return polish_account(iban).bank_name
    except BadAccount:
        return ""
