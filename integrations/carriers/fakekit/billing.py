"""What the carrier fakes share to write billing files: the charges a test (or the demo) chooses, with VAT
computed as the carriers compute it (per line, half up to grosze), and charge ids unique per fake."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

GROSZ = Decimal("0.01")
_charge_ids = itertools.count(1)


@dataclass(frozen=True)
class FakeCharge:
    """One surcharge a fake bills: the waybill, the carrier's own code, the net amount, and what the
    carrier measured. Declared values come from the shipment the fake stored; a waybill the fake never
    saw is billed without them (as a carrier bills a parcel sent outside the broker's account)."""

    waybill: str
    code: str
    net: Decimal
    measured_weight_g: int | None = None
    measured_mm: tuple[int, int, int] | None = None  # length, width, height
    measured_size: str = ""
    description: str = ""
    reference: str = ""  # the charge id; a fresh one when empty
    charged_on: dt.date | None = None
    vat_rate: Decimal = Decimal("23")

    def vat(self) -> Decimal:
        return (self.net * self.vat_rate / 100).quantize(GROSZ, rounding=ROUND_HALF_UP)

    def gross(self) -> Decimal:
        return self.net + self.vat()

    def charge_id(self, prefix: str) -> str:
        return self.reference or f"{prefix}{next(_charge_ids):08d}"


def next_document(prefix: str, day: dt.date) -> str:
    """An invoice number like the carriers print them ("FV/2026/12/000123")."""
    return f"{prefix}/{day:%Y/%m}/{next(_charge_ids):06d}"
