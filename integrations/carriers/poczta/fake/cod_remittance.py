"""The fake Poczta Polska's COD settlement XML (the format `integrations.carriers.poczta.cod_remittance`
reads), made from given lines or from the fake's own delivered COD parcels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from lxml import etree

from integrations.carriers.addresses import WARSAW
from integrations.carriers.poczta.cod_remittance import LINE, ROOT
from integrations.carriers.poczta.fake.state import PocztaState

Line = tuple[str, Decimal, dt.date]  # waybill, amount, day of collection
DELIVERED = ("P_D", "P_OWU")


def _grosze(amount: Decimal) -> str:
    return str(int((amount * 100).to_integral_value()))


def settlement_file(lines: Iterable[Line], *, number: str, transfer_date: dt.date) -> bytes:
    """The XML Poczta Polska sends with a COD transfer."""
    lines = list(lines)
    root = etree.Element(ROOT, numer=number, dataPrzelewu=transfer_date.isoformat(),
                         suma=_grosze(sum((amount for _w, amount, _d in lines), Decimal("0.00"))))
    for waybill, amount, collected in lines:
        etree.SubElement(root, LINE, numerNadania=waybill, kwota=_grosze(amount),
                         dataWplaty=collected.isoformat())
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def delivered_cod(state: PocztaState) -> list[Line]:
    """Every delivered parcel of the fake that carried COD, with the day it was handed to the buyer."""
    with state.lock:
        found = []
        for parcel in state.parcels.values():
            pobranie = parcel.element.find("pobranie")
            if pobranie is None or not pobranie.get("kwotaPobrania"):
                continue
            delivered = [e for e in state.events.get(parcel.waybill, []) if e.code in DELIVERED]
            if delivered:
                amount = (Decimal(int(pobranie.get("kwotaPobrania"))) / 100).quantize(Decimal("0.01"))
                found.append((parcel.waybill, amount, delivered[-1].at.astimezone(WARSAW).date()))
        return found
