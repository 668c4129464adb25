"""The fake's zamowKuriera and getPlacowkiPocztowe, and the Sledzenie tracking answer."""

from __future__ import annotations

import datetime as dt
import re

from flask import Response
from lxml import etree

from integrations.carriers.poczta import parse
from integrations.carriers.poczta.fake.soap import answer, child, error, fault, response_element
from integrations.carriers.poczta.fake.state import PocztaState
from integrations.carriers.poczta.sledzenie import NAMESPACE as SLEDZENIE
from integrations.carriers.poczta.sledzenie import WSSE

SLEDZENIE_XSD = "http://sledzenie.pocztapolska.pl/xsd"
WAYBILL = re.compile(r"^[A-Z0-9]{10,20}$")


def zamow_kuriera(state: PocztaState, request: etree._Element) -> etree._Element:
    """A courier order for a working day from today on, between 8:00 and 18:00 (the fake's rule)."""
    out = response_element("zamowKuriera")
    day_text = request.findtext("oczekiwanaDataOdbioru", "").strip()
    hour = request.findtext("oczekiwanaGodzinaOdbioru", "").strip()
    try:
        day = dt.date.fromisoformat(day_text)
        at = dt.time.fromisoformat(hour)
    except ValueError:
        error(out, parse.PICKUP_REFUSED, f"nieprawidłowa data lub godzina odbioru: {day_text} {hour}")
        return out
    if day < state.now().date() or day.weekday() >= 5 or not dt.time(8) <= at < dt.time(18):
        error(out, parse.PICKUP_REFUSED, f"kurier nie przyjeżdża {day_text} o {hour}")
        return out
    place = request.find("miejsceOdbioru")
    with state.lock:
        state.pickups.append(
            {
                "day": day_text,
                "hour": hour,
                "postcode": place.get("kodPocztowy", "") if place is not None else "",
                "count": request.findtext("szacowanaIloscPrzeslek", ""),
                "mass": request.findtext("szacowanaLacznaMasaPrzesylek", ""),
            }
        )
    return out


def get_placowki_pocztowe(state: PocztaState, request: etree._Element) -> etree._Element:
    """The voivodeship's placówki (the WSDL wants at least one; an empty voivodeship answers none)."""
    out = response_element("getPlacowkiPocztowe")
    voivodeship = request.findtext("idWojewodztwo", "").strip()
    with state.lock:
        points = [p for p in state.points.values() if p["wojewodztwo"] == voivodeship]
    for point in points:
        node = child(
            out,
            "placowka",
            id=point["id"],
            nazwa=point["nazwa"],
            miejscowosc=point["miejscowosc"],
            kodPocztowy=point["kodPocztowy"],
            ulica=point["ulica"],
            numerDomu=point["numerDomu"],
            nazwaWydruk=point["nazwa"].upper(),
            siecPlacowek=point["siecPlacowek"],
        )
        if point["lat"] is not None:
            where = child(node, "lokalizacjaGeograficzna")
            child(where, "dlugosc", dec=point["lon"])
            child(where, "szerokosc", dec=point["lat"])
    return out


def _token(envelope: etree._Element) -> tuple[str, str]:
    token = envelope.find(f".//{{{WSSE}}}UsernameToken")
    if token is None:
        return "", ""
    return token.findtext(f"{{{WSSE}}}Username", ""), token.findtext(f"{{{WSSE}}}Password", "")


def sprawdz_przesylke(state: PocztaState, envelope: etree._Element, numer: str) -> Response:
    """Sledzenie's answer (authored model, see sledzenie.py): status 0/2/-1/-2 and the zdarzenia."""
    user, password = _token(envelope)
    if not user or state.tracking_credentials.get(user) != password:
        return fault(
            "wsse:FailedAuthentication", "The security token could not be authenticated", nsmap={"wsse": WSSE}
        )
    out = etree.Element(
        f"{{{SLEDZENIE}}}sprawdzPrzesylkeResponse", nsmap={"ns": SLEDZENIE, "ax": SLEDZENIE_XSD}
    )
    result = etree.SubElement(out, f"{{{SLEDZENIE}}}return")
    events = state.tracking_events(numer) if WAYBILL.match(numer) else None
    status = "-2" if not WAYBILL.match(numer) else "-1" if events is None else "0" if events else "2"
    if events:
        dane = etree.SubElement(result, f"{{{SLEDZENIE_XSD}}}danePrzesylki")
        etree.SubElement(dane, f"{{{SLEDZENIE_XSD}}}numer").text = numer
        etree.SubElement(dane, f"{{{SLEDZENIE_XSD}}}zakonczonoObsluge").text = (
            "true" if events[-1].code in ("P_D", "P_OWU") else "false"
        )
        zdarzenia = etree.SubElement(dane, f"{{{SLEDZENIE_XSD}}}zdarzenia")
        for event in events:
            node = etree.SubElement(zdarzenia, f"{{{SLEDZENIE_XSD}}}zdarzenie")
            # Warsaw local time without an offset, as Poczta Polska sends it
            etree.SubElement(node, f"{{{SLEDZENIE_XSD}}}czas").text = event.at.strftime("%Y-%m-%d %H:%M")
            unit = etree.SubElement(node, f"{{{SLEDZENIE_XSD}}}jednostka")
            etree.SubElement(unit, f"{{{SLEDZENIE_XSD}}}nazwa").text = event.unit
            etree.SubElement(node, f"{{{SLEDZENIE_XSD}}}kod").text = event.code
            etree.SubElement(node, f"{{{SLEDZENIE_XSD}}}nazwa").text = event.name
    etree.SubElement(result, f"{{{SLEDZENIE_XSD}}}numer").text = numer
    etree.SubElement(result, f"{{{SLEDZENIE_XSD}}}status").text = status
    return answer(out)
