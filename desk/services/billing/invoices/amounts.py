"""Invoice arithmetic: net, VAT and gross of a line, totals, and an amount in Polish words.

The rule (written once here, followed everywhere):
- a shipment charge is invoiced with the figures of its quote snapshot: per quote line net, VAT (rounded
  half up to grosze from the net) and gross = net + VAT, summed into one invoice line;
- anything else (a surcharge, a fee, a shipment without a snapshot, a partly refunded charge) is known
  only by its gross, so it is computed from the gross (metoda od brutto): VAT = gross × 23 / 123
  rounded half up to grosze, net = gross − VAT;
- every line therefore has net + VAT = gross exactly, and the invoice's totals (and the VAT summary by
  rate) are the sums of its lines, so the printed figures always add up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from num2words import num2words

from desk.services.billing.ledger import grosze

VAT_RATE = 23  # percent: the broker's courier services
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Figures:
    """Net + VAT = gross, in grosze."""

    net: Decimal
    vat: Decimal
    gross: Decimal

    def __add__(self, other: Figures) -> Figures:
        return Figures(self.net + other.net, self.vat + other.vat, self.gross + other.gross)

    def __sub__(self, other: Figures) -> Figures:
        return Figures(self.net - other.net, self.vat - other.vat, self.gross - other.gross)


NOTHING = Figures(ZERO, ZERO, ZERO)


def from_gross(gross: Decimal, rate: int = VAT_RATE) -> Figures:
    """Net and VAT of a gross amount (metoda od brutto), VAT rounded half up to grosze."""
    gross = grosze(gross)
    vat = grosze(gross * rate / (100 + rate))
    return Figures(gross - vat, vat, gross)


def from_net(net: Decimal, rate: int = VAT_RATE) -> Figures:
    """VAT and gross of a net amount, VAT rounded half up to grosze."""
    net = grosze(net)
    vat = grosze(net * rate / 100)
    return Figures(net, vat, net + vat)


def from_snapshot(quote: dict | None, gross: Decimal) -> Figures:
    """A shipment's figures: the sums of its quote snapshot lines (net, VAT, gross as quoted). From the
    gross instead when there is no snapshot, its rate is not the invoice's, or it does not add up to what
    was charged (the charge is what the account paid)."""
    lines = (quote or {}).get("lines") or []
    try:
        if not lines or Decimal(quote.get("vat_rate", VAT_RATE)) != VAT_RATE:
            return from_gross(gross)
        summed = total(
            Figures(Decimal(line["net"]), Decimal(line["vat"]), Decimal(line["gross"])) for line in lines
        )
    except (KeyError, ArithmeticError, TypeError, ValueError):
        return from_gross(gross)
    if summed.gross != grosze(gross) or summed.net + summed.vat != summed.gross:
        return from_gross(gross)
    return summed


def total(figures: Iterable[Figures]) -> Figures:
    """The sum of lines."""
    return sum(figures, NOTHING)


def _form(number: int, one: str, few: str, many: str) -> str:
    """The Polish plural form that goes with `number` (1 złoty, 2-4 złote, 5 złotych, 22 złote ...)."""
    if number == 1:
        return one
    if number % 10 in (2, 3, 4) and number % 100 not in (12, 13, 14):
        return few
    return many


def in_words(amount: Decimal) -> str:
    """The amount in Polish words: "sto dwadzieścia trzy złote, czterdzieści pięć groszy"."""
    amount = grosze(amount)
    sign = "minus " if amount < 0 else ""
    zlote, groszy = divmod(int(abs(amount) * 100), 100)
    zl_words = num2words(zlote, lang="pl")
    gr_words = num2words(groszy, lang="pl")
    return (
        f"{sign}{zl_words} {_form(zlote, 'złoty', 'złote', 'złotych')}, "
        f"{gr_words} {_form(groszy, 'grosz', 'grosze', 'groszy')}"
    )
