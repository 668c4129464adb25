"""The fake e-Nadawca's invoice announcement: the ZIP with the XML that poczta/billing.py reads, written for
the parcels the fake took (declared masa and format or gabaryt as they were sent) with the charges a test
chooses."""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from lxml import etree

from integrations.carriers.fakekit.billing import FakeCharge, next_document
from integrations.carriers.poczta.billing import NAMESPACE, ROOT

if TYPE_CHECKING:
    from integrations.carriers.poczta.fake.state import Parcel, PocztaState

DESCRIPTIONS = {
    "PONADGABARYT": "Opłata za przesyłkę ponadgabarytową",
    "ZMIANA_FORMATU": "Dopłata za zmianę formatu po pomiarze",
    "NIEDOPLATA_MASA": "Niedopłata za masę przesyłki",
    "BLEDNY_ADRES": "Błędny adres adresata",
    "ADRES_NIEPELNY": "Niepełny adres adresata",
    "ZMIANA_ADRESU": "Zmiana adresu doręczenia (przekierowanie)",
    "USZKODZENIE_INNYCH": "Uszkodzenie innych przesyłek",
    "ZLECENIE_BEZPOSREDNIE": "Usługa zlecona bezpośrednio w placówce",
}


def announcement_zip(
    state: PocztaState, charges: Iterable[FakeCharge], *, document: str = "", issued_on: dt.date | None = None
) -> bytes:
    """The ZIP getZapowiedziFaktur would hand out: one XML file with a `pozycja` per charge."""
    issued_on = issued_on or state.now().date()
    document = document or next_document("ZF", issued_on)
    root = etree.Element(f"{{{NAMESPACE}}}{ROOT}", nsmap={None: NAMESPACE})
    root.set("numerFaktury", document)
    root.set("dataWystawienia", issued_on.isoformat())
    root.set("waluta", "PLN")
    for charge in charges:
        _pozycja(root, state, charge, issued_on)
    xml = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"zapowiedz_{issued_on:%Y%m%d}.xml", xml)
    return out.getvalue()


def _pozycja(root: etree._Element, state: PocztaState, charge: FakeCharge, issued_on: dt.date) -> None:
    parcel = _parcel(state, charge.waybill)
    values = {
        "idPozycji": charge.charge_id("PP-"),
        "numerNadania": charge.waybill,
        "numerPrzesylkiKlienta": _declared(parcel, "numerPrzesylkiKlienta") or _declared(parcel, "opis"),
        "dataZdarzenia": (charge.charged_on or issued_on).isoformat(),
        "kodOplaty": charge.code,
        "opis": charge.description or DESCRIPTIONS.get(charge.code, charge.code),
        "masaDeklarowana": _declared(parcel, "masa"),
        "formatDeklarowany": _declared(parcel, "format") or _declared(parcel, "gabaryt"),
        "masaZmierzona": None if charge.measured_weight_g is None else str(charge.measured_weight_g),
        "formatZmierzony": charge.measured_size,
        "kwotaNetto": _grosze(charge.net),
        "stawkaVat": f"{charge.vat_rate:f}",
        "kwotaVat": _grosze(charge.vat()),
        "kwotaBrutto": _grosze(charge.gross()),
    }
    if charge.measured_mm:
        sides = (str(math.ceil(mm / 10)) for mm in charge.measured_mm)
        names = ("dlugoscZmierzona", "szerokoscZmierzona", "wysokoscZmierzona")
        values |= dict(zip(names, sides, strict=True))
    element = etree.SubElement(root, f"{{{NAMESPACE}}}pozycja")
    for name, value in values.items():
        if value:
            element.set(name, value)


def _parcel(state: PocztaState, waybill: str) -> Parcel | None:
    with state.lock:
        stored = [*state.parcels.values(), *state.buffer.values()]
        return next((parcel for parcel in stored if parcel.waybill == waybill), None)


def _declared(parcel: Parcel | None, name: str) -> str | None:
    """An attribute of the przesylka as sent, or its child element's text (Pocztex 2021 types)."""
    if parcel is None:
        return None
    element = parcel.element
    if element.get(name) is not None:
        return element.get(name)
    found = element.find(name)
    return found.text if found is not None else None


def _grosze(amount: Decimal) -> str:
    return str(int(amount * 100))
