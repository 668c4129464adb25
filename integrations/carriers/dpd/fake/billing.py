"""The fake DPD's surcharge specification: the XML that dpd/billing.py reads, written for the packages the
fake stored (each parcel's declared weight and sizes as they were sent) with the charges a test chooses."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from lxml import etree

from integrations.carriers.dpd.billing import ROOT
from integrations.carriers.dpd.fake.envelope import first
from integrations.carriers.fakekit.billing import FakeCharge, next_document

if TYPE_CHECKING:
    from integrations.carriers.dpd.fake.state import DpdFakeState

DESCRIPTIONS = {
    "OVERSIZE": "Dopłata za przesyłkę ponadwymiarową",
    "NON_STANDARD": "Dopłata za przesyłkę niestandardową",
    "WEIGHT_DIFFERENCE": "Korekta wagi po ważeniu w terminalu",
    "ADDRESS_INCORRECT": "Błędny adres odbiorcy",
    "ADDRESS_INCOMPLETE": "Niepełny adres odbiorcy",
    "REDIRECTION": "Zmiana adresu doręczenia",
    "DAMAGE_CAUSED": "Uszkodzenie innych przesyłek",
    "DIRECT_ORDER": "Usługa zlecona bezpośrednio kurierowi",
}


def billing_xml(
    state: DpdFakeState,
    charges: Iterable[FakeCharge],
    *,
    document: str = "",
    issued_on: dt.date | None = None,
) -> bytes:
    """The specification of `charges` as DPD would send it (UTF-8 XML, amounts with a dot)."""
    issued_on = issued_on or state.now().date()
    root = etree.Element(ROOT, version="1")
    header = etree.SubElement(root, "header")
    _add(header, "invoiceNumber", document or next_document("FV/DPD", issued_on))
    _add(header, "issueDate", issued_on.isoformat())
    _add(header, "masterFid", str(next(iter(state.accounts.values()))[1]))
    _add(header, "currency", "PLN")
    items = etree.SubElement(root, "items")
    for charge in charges:
        _item(items, state, charge, issued_on)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _item(items: etree._Element, state: DpdFakeState, charge: FakeCharge, issued_on: dt.date) -> None:
    package, parcel = _parcel(state, charge.waybill)
    item = etree.SubElement(items, "item")
    _add(item, "chargeId", charge.charge_id("DPD-"))
    _add(item, "chargeDate", (charge.charged_on or issued_on).isoformat())
    _add(item, "waybill", charge.waybill)
    _add(item, "ref1", package.body.get("ref1", "") if package is not None else "")
    _add(item, "chargeCode", charge.code)
    _add(item, "description", charge.description or DESCRIPTIONS.get(charge.code, charge.code))
    if parcel:
        sides = [first(parcel, side) for side in ("sizeX", "sizeY", "sizeZ")]
        _sizes(item, "declared", first(parcel, "weight"), sides)
    measured_cm = [math.ceil(mm / 10) for mm in charge.measured_mm] if charge.measured_mm else [None] * 3
    weight = None if charge.measured_weight_g is None else f"{charge.measured_weight_g / 1000:g}"
    if weight is not None or charge.measured_mm:
        _sizes(item, "measured", weight, measured_cm)
    _add(item, "netAmount", f"{charge.net:.2f}")
    _add(item, "vatRate", f"{charge.vat_rate:f}")
    _add(item, "vatAmount", f"{charge.vat():.2f}")
    _add(item, "grossAmount", f"{charge.gross():.2f}")


def _parcel(state: DpdFakeState, waybill: str) -> tuple[Any, dict[str, Any]]:
    with state.lock:
        package = next((p for p in state.packages.values() if waybill in p.waybills), None)
    if package is None:
        return None, {}
    parcels = package.body.get("parcels") or [{}]
    return package, parcels[min(package.waybills.index(waybill), len(parcels) - 1)]


def _sizes(item: etree._Element, name: str, weight: Any, sides: list[Any]) -> None:
    element = etree.SubElement(item, name)
    _add(element, "weight", weight)
    for side, value in zip(("sizeX", "sizeY", "sizeZ"), sides, strict=True):
        _add(element, side, value)


def _add(parent: etree._Element, name: str, value: Any) -> None:
    if value is not None and value != "":
        etree.SubElement(parent, name).text = str(value)
