"""The fake's buffer operations: addShipment, getEnvelopeBufor, clearEnvelopeByGuids, clearEnvelope,
sendEnvelope. Each takes the state and the (schema-valid) request element and returns the answer element."""

from __future__ import annotations

import copy

from lxml import etree

from integrations.carriers.poczta import parse
from integrations.carriers.poczta.fake.soap import XSI, child, error, response_element
from integrations.carriers.poczta.fake.state import Parcel, PocztaState

SUPPORTED = {"pocztex2021KurierType": 30_000, "paczkaPocztowaType": 20_000, "przesylkaPobraniowaType": 20_000}
POINT_MAX_G = 20_000
COD_MAX_GROSZE = 500_000  # the desk's 5 000 PLN; the fake enforces it as the contract would


def _kind(element: etree._Element) -> str:
    return (element.get(f"{{{XSI}}}type") or "").rpartition(":")[2]


def _value(element: etree._Element, name: str) -> str | None:
    """An attribute, or a child element's text (Pocztex 2021 types carry data in elements)."""
    if element.get(name) is not None:
        return element.get(name)
    found = element.find(name)
    return found.text if found is not None else None


def problems_of(state: PocztaState, element: etree._Element) -> list[tuple[int, str]]:
    """The business checks e-Nadawca makes beyond the schema (error number, description)."""
    kind = _kind(element)
    if kind not in SUPPORTED:
        return [(parse.FIELD_INVALID, f"typ przesyłki {kind or '?'} nie jest obsługiwany przez to konto")]
    found: list[tuple[int, str]] = []
    adres = element.find("adres")
    if adres is None:
        return [(parse.FIELD_INVALID, "brak adresu odbiorcy")]
    postcode = adres.get("kodPocztowy") or ""
    if not (postcode.isdigit() and len(postcode) == 5) or postcode in state.refused_postcodes:
        found.append((parse.FIELD_INVALID, f"adres.kodPocztowy: nieznany kod pocztowy {postcode}"))
    point = element.find("punktOdbioru")
    if point is not None and int(point.get("id", "0")) not in state.points:
        found.append((parse.FIELD_INVALID, f"punktOdbioru: brak placówki o id {point.get('id')}"))
    masa = int(_value(element, "masa") or 0)
    limit = POINT_MAX_G if point is not None else SUPPORTED[kind]
    if masa > limit:
        found.append((parse.FIELD_INVALID, f"masa: przekroczona maksymalna masa {limit} g"))
    pobranie = element.find("pobranie")
    if pobranie is not None and int(pobranie.get("kwotaPobrania") or 0) > COD_MAX_GROSZE:
        found.append((parse.FIELD_INVALID, "pobranie.kwotaPobrania: kwota pobrania powyżej limitu umowy"))
    return found


def add_shipment(state: PocztaState, request: etree._Element) -> etree._Element:
    """Each przesylka gets a numerNadania and lands in the buffer, or gets its errors back."""
    out = response_element("addShipment")
    for element in request.findall("przesylki"):
        guid = element.get("guid", "")
        retval = child(out, "retval", guid=guid)
        with state.lock:
            if guid in state.parcels:
                error(retval, parse.DUPLICATE_GUID, "przesyłka o tym guid już istnieje", guid)
                continue
            problems = problems_of(state, element)
            for number, text in problems:
                error(retval, number, text, guid)
            if problems:
                continue
            waybill = state.next_waybill()
            point = element.find("punktOdbioru")
            parcel = Parcel(
                guid=guid,
                waybill=waybill,
                kind=_kind(element),
                element=copy.deepcopy(element),
                created_at=state.now(),
                point=point.get("id", "") if point is not None else "",
            )
            state.buffer[guid] = state.parcels[guid] = parcel
        retval.set("numerNadania", waybill)
    return out


def get_envelope_bufor(state: PocztaState, request: etree._Element) -> etree._Element:
    """The buffer's shipments as they were sent, with their numerNadania."""
    out = response_element("getEnvelopeBufor")
    with state.lock:
        parcels = list(state.buffer.values())
    for parcel in parcels:
        element = copy.deepcopy(parcel.element)
        element.tag = "przesylka"
        element.set(f"{{{XSI}}}type", f"tns:{parcel.kind}")
        element.set("numerNadania", parcel.waybill)
        out.append(element)
    return out


def clear_envelope_by_guids(state: PocztaState, request: etree._Element) -> etree._Element:
    """Remove buffered shipments; a sent one cannot be, an unknown one is reported."""
    out = response_element("clearEnvelopeByGuids")
    with state.lock:
        for node in request.findall("guid"):
            guid = (node.text or "").strip()
            if guid in state.buffer:
                del state.buffer[guid]
                del state.parcels[guid]
            elif guid in state.parcels:
                error(out, parse.ALREADY_SENT, "przesyłka została już wysłana", guid)
            else:
                error(out, parse.UNKNOWN_GUID, "brak przesyłki o podanym guid", guid)
    return out


def clear_envelope(state: PocztaState, request: etree._Element) -> etree._Element:
    """Empty the buffer."""
    out = response_element("clearEnvelope")
    with state.lock:
        for guid in list(state.buffer):
            del state.parcels[guid]
        state.buffer.clear()
    child(out, "retval", "true")
    return out


def send_envelope(state: PocztaState, request: etree._Element) -> etree._Element:
    """Transmit the buffer as one envelope (status WYSLANY; advance_envelopes processes it)."""
    out = response_element("sendEnvelope")
    envelope = state.send_buffer()
    if envelope is None:
        error(out, parse.ENVELOPE_EMPTY, "bufor jest pusty")
        return out
    child(out, "idEnvelope", str(envelope.id))
    child(out, "envelopeStatus", envelope.status)
    child(out, "envelopeFilename", f"envelope-{envelope.id}.xml")
    return out
