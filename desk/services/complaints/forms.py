"""Reading what people typed into complaint forms: amounts with a decimal comma, kinds, NIP numbers."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from desk.services.errors import N_

AMOUNT_MAX = Decimal("1000000.00")
TEXT_MAX = 5000
SUBJECT_MAX = 200
_AMOUNT = re.compile(r"^\d{1,7}([.,]\d{1,2})?$")


def amount(text: str, *, required: bool) -> tuple[Decimal | None, tuple[str, dict] | None]:
    """(amount, None) or (None, (message, params)): PLN as people type it ("120", "120,50")."""
    value = "".join((text or "").split()).replace("zł", "")
    if not value:
        return None, ((N_("Enter the amount."), {}) if required else None)
    if not _AMOUNT.match(value):
        return None, (N_("Enter an amount in złoty, e.g. 120,50."), {})
    try:
        parsed = Decimal(value.replace(",", "."))
    except InvalidOperation:
        return None, (N_("Enter an amount in złoty, e.g. 120,50."), {})
    if parsed > AMOUNT_MAX:
        return None, (N_("The amount is too large."), {})
    return parsed.quantize(Decimal("0.01")), None


def text(value: str, *, required: bool, limit: int = TEXT_MAX) -> tuple[str, tuple[str, dict] | None]:
    """The text trimmed, or the reason it cannot be taken."""
    cleaned = (value or "").strip()
    if required and not cleaned:
        return cleaned, (N_("This field is required."), {})
    if len(cleaned) > limit:
        return cleaned, (N_("At most %(count)d characters."), {"count": limit})
    return cleaned, None


def nip(value: str) -> tuple[str, tuple[str, dict] | None]:
    """A Polish NIP as 10 digits with its check digit (weights 6 5 7 2 3 4 5 6 7, modulo 11)."""
    digits = re.sub(r"[\s-]", "", (value or "").upper().removeprefix("PL"))
    if not digits:
        return "", (N_("This field is required."), {})
    if not (digits.isdigit() and len(digits) == 10):
        return digits, (N_("A NIP has 10 digits."), {})
    check = sum(int(d) * w for d, w in zip(digits, (6, 5, 7, 2, 3, 4, 5, 6, 7), strict=False)) % 11
    if check == 10 or check != int(digits[9]):
        return digits, (N_("This NIP is not valid (its check digit does not match)."), {})
    return digits, None


def choice(value: str, allowed: tuple[str, ...]) -> tuple[str | None, tuple[str, dict] | None]:
    """One of `allowed`, or the reason it is not."""
    if value in allowed:
        return value, None
    return None, (N_("Choose one of the options."), {})
