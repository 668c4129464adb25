"""The fake ShipX's surcharge specification: the CSV that inpost/billing.py reads, written for the
shipments the fake stored (declared template, dimensions and weight as they were sent) with the charges a
test chooses."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from integrations.carriers.fakekit.billing import FakeCharge, next_document
from integrations.carriers.inpost.billing import COLUMNS

if TYPE_CHECKING:
    from integrations.carriers.inpost.fake.state import FakeInPostState

DESCRIPTIONS = {
    "oversized": "Paczka ponadgabarytowa",
    "size_change": "Zmiana gabarytu paczki",
    "non_standard": "Przesyłka niestandardowa",
    "long_parcel": "Przesyłka dłużycowa",
    "weight_verification": "Weryfikacja wagi i wymiarów",
    "undelivered_wrong_address": "Błędny adres odbiorcy",
    "undelivered_incomplete_address": "Niepełny adres odbiorcy",
    "readdressed": "Zmiana adresu doręczenia po nadaniu",
    "damage_other_parcels": "Uszkodzenie innych przesyłek",
    "direct_order": "Usługa zamówiona bezpośrednio u kuriera",
}


def billing_csv(
    state: FakeInPostState,
    charges: Iterable[FakeCharge],
    *,
    document: str = "",
    issued_on: dt.date | None = None,
) -> bytes:
    """The specification of `charges` as InPost would send it (UTF-8 with a BOM, `;`, decimal commas)."""
    issued_on = issued_on or state.now().date()
    document = document or next_document("FV/INP", issued_on)
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    for charge in charges:
        writer.writerow(_row(state, charge, document, issued_on))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _row(state: FakeInPostState, charge: FakeCharge, document: str, issued_on: dt.date) -> dict[str, str]:
    shipment = state.by_tracking(charge.waybill) or _by_parcel_number(state, charge.waybill)
    parcel = _parcel_of(shipment, charge.waybill) if shipment is not None else {}
    dimensions = parcel.get("dimensions") or {}
    length, width, height = charge.measured_mm or (None, None, None)
    measured_kg = None if charge.measured_weight_g is None else Decimal(charge.measured_weight_g) / 1000
    return {
        "invoice_number": document,
        "invoice_date": issued_on.isoformat(),
        "charge_id": charge.charge_id("INP-CH-"),
        "charge_date": (charge.charged_on or issued_on).isoformat(),
        "shipment_id": str(shipment.id) if shipment is not None else "",
        "tracking_number": charge.waybill,
        "reference": str(shipment.body.get("reference") or "") if shipment is not None else "",
        "service": shipment.service if shipment is not None else "",
        "charge_code": charge.code,
        "charge_description": charge.description or DESCRIPTIONS.get(charge.code, charge.code),
        "declared_template": str(parcel.get("template") or ""),
        "declared_length_mm": _text(dimensions.get("length")),
        "declared_width_mm": _text(dimensions.get("width")),
        "declared_height_mm": _text(dimensions.get("height")),
        "declared_weight_kg": _kg((parcel.get("weight") or {}).get("amount")),
        "measured_template": charge.measured_size,
        "measured_length_mm": _text(length),
        "measured_width_mm": _text(width),
        "measured_height_mm": _text(height),
        "measured_weight_kg": _kg(measured_kg),
        "net_amount": _comma(charge.net),
        "vat_rate": _comma(charge.vat_rate),
        "vat_amount": _comma(charge.vat()),
        "gross_amount": _comma(charge.gross()),
        "currency": "PLN",
    }


def _by_parcel_number(state: FakeInPostState, number: str):
    with state.lock:
        return next((s for s in state.shipments.values() if number in s.parcel_numbers), None)


def _parcel_of(shipment, waybill: str) -> dict[str, Any]:
    parcels = shipment.body.get("parcels") or [{}]
    numbers = shipment.parcel_numbers or [shipment.tracking_number]
    index = numbers.index(waybill) if waybill in numbers else 0
    return parcels[min(index, len(parcels) - 1)]


def _text(value: Any) -> str:
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    return str(int(number)) if number == number.to_integral_value() else str(number)


def _kg(value: Any) -> str:
    return "" if value is None or value == "" else _comma(Decimal(str(value)).normalize())


def _comma(value: Decimal) -> str:
    return f"{value:f}".replace(".", ",")
