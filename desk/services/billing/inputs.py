"""Reading what people type about money: amounts in Polish notation, bank accounts (IBAN, with the bank's
name from schwifty's registry), NIP numbers (python-stdnum) and days. Each reader returns the clean value
or raises FieldError with a catalog message for the field."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from stdnum.exceptions import ValidationError as NumberError
from stdnum.pl import nip as nip_number

from desk.services.billing.ledger import grosze
from desk.services.errors import N_, DeskError
from desk.services.shared.banks import BadAccount, BankAccount, polish_account
from desk.services.shared.banks import bank_name as bank_name  # the pages read it here

MAX_AMOUNT = Decimal("1000000.00")
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
_SPACES = re.compile(r"[\s\u00a0]+")
_POSTCODE = re.compile(r"^\d{2}-\d{3}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class FieldError(DeskError):
    """One field cannot be accepted; `field` names it."""

    def __init__(self, field: str, message: str, **params) -> None:
        super().__init__(message, **params)
        self.field = field


class FormErrors(DeskError):
    """Several fields cannot be accepted: {field: FieldError}; nothing was written."""

    def __init__(self, errors: dict[str, FieldError]) -> None:
        super().__init__(N_("Correct the marked fields."))
        self.errors = errors


def amount(text: str | None, field: str = "amount", *, allow_zero: bool = False) -> Decimal:
    """An amount in złoty as typed ("1 234,56", "1234.56"): positive (or zero), whole grosze, within
    a million."""
    cleaned = _SPACES.sub("", text or "").replace(",", ".").removesuffix("zł").removesuffix("PLN")
    if not cleaned:
        raise FieldError(field, N_("Enter the amount."))
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise FieldError(field, N_("This is not an amount: %(value)s"), value=(text or "").strip()) from None
    if not value.is_finite():
        raise FieldError(field, N_("This is not an amount: %(value)s"), value=(text or "").strip())
    if value < 0 or (value == 0 and not allow_zero):
        raise FieldError(field, N_("The amount must be above zero."))
    if value != grosze(value):
        raise FieldError(field, N_("The amount must be in whole grosze."))
    if value > MAX_AMOUNT:
        raise FieldError(field, N_("The amount is too large."))
    return grosze(value)


def bank_account(text: str | None, field: str = "payout_iban") -> BankAccount:
    """A Polish bank account (26 digits, with or without PL and spaces), checked by its IBAN checksum."""
    try:
        return polish_account(text)
    except BadAccount as bad:
        if bad.reason == "foreign":
            raise FieldError(field, N_("The account must be a Polish bank account.")) from None
        raise FieldError(field, N_("This is not a valid bank account number.")) from None


def nip(text: str | None, field: str = "nip") -> str:
    """A Polish NIP as 10 digits (typed with or without dashes or a PL prefix), checksum verified."""
    cleaned = _SPACES.sub("", text or "").upper().removeprefix("PL")
    try:
        return nip_number.validate(cleaned)
    except NumberError:
        raise FieldError(
            field, N_("This is not a valid NIP (10 digits with a correct check digit).")
        ) from None


def is_nip(text: str) -> bool:
    return nip_number.is_valid(text)


def postcode(text: str | None, field: str = "postcode") -> str:
    value = (text or "").strip()
    if value and not _POSTCODE.match(value):
        raise FieldError(field, N_("The postcode must look like 00-950."))
    return value


def email(text: str | None, field: str = "billing_email") -> str:
    value = (text or "").strip()
    if value and (len(value) > 254 or not _EMAIL.match(value)):
        raise FieldError(field, N_("This is not a valid e-mail address."))
    return value


def day(text: str | None, field: str, *, required: bool = True) -> dt.date | None:
    """A day typed as 2026-12-01 or 01.12.2026."""
    value = (text or "").strip()
    if not value:
        if required:
            raise FieldError(field, N_("Enter the date."))
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            found = dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
        if FIRST_DAY <= found <= LAST_DAY:  # a typo like 0026 is not a day anybody booked anything on
            return found
    raise FieldError(field, N_("This is not a date (2026-12-01 or 01.12.2026): %(value)s"), value=value)


def text(value: str | None, field: str, *, max_length: int) -> str:
    cleaned = " ".join((value or "").split())
    if len(cleaned) > max_length:
        raise FieldError(field, N_("At most %(max)s characters."), max=max_length)
    return cleaned
