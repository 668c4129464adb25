"""The fake's other operations: sent envelopes, labels, the outbox book, courier orders, placówki."""

from __future__ import annotations

import base64
import datetime as dt

from lxml import etree

from integrations.carriers.addresses import postcode_dashed
from integrations.carriers.fakekit import LabelData, render_pdf, render_protocol_pdf, render_zpl
from integrations.carriers.poczta import parse
from integrations.carriers.poczta.fake.soap import child, error, response_element
from integrations.carriers.poczta.fake.state import Parcel, PocztaState


def _lines(element: etree._Element | None) -> tuple[str, ...]:
    if element is None:
        return ()
    street = " ".join(v for v in (element.get("ulica"), element.get("numerDomu")) if v)
    if element.get("numerLokalu"):
        street += f"/{element.get('numerLokalu')}"
    place = f"{postcode_dashed(element.get('kodPocztowy') or '')} {element.get('miejscowosc') or ''}"
    return tuple(v for v in (element.get("nazwa"), element.get("nazwa2"), street, place.strip()) if v)


def label_data(parcel: Parcel) -> LabelData:
    element = parcel.element
    masa = element.get("masa") or element.findtext("masa") or ""
    pobranie = element.find("pobranie")
    cod = ""
    if pobranie is not None and pobranie.get("kwotaPobrania"):
        cod = f"POBRANIE {int(pobranie.get('kwotaPobrania', '0')) / 100:.2f} PLN"
    service = "POCZTEX KURIER" if parcel.kind.startswith("pocztex") else "PACZKA POCZTOWA"
    return LabelData(
        carrier="poczta polska",
        waybill=parcel.waybill,
        service=service,
        sender=_lines(element.find("nadawca")),
        receiver=_lines(element.find("adres")),
        reference=element.findtext("numerPrzesylkiKlienta") or element.get("opis") or "",
        cod=cod,
        point=parcel.point,
        weight=f"{masa} g" if masa else "",
    )


def _split(state: PocztaState, request: etree._Element) -> tuple[list[Parcel], list[etree._Element]]:
    """The asked shipments the fake knows, and an errorType for each guid it does not."""
    holder = etree.Element("holder")
    found = []
    with state.lock:
        for node in request.findall("guid"):
            guid = (node.text or "").strip()
            if guid in state.parcels:
                found.append(state.parcels[guid])
            else:
                error(holder, parse.UNKNOWN_GUID, "brak przesyłki o podanym guid", guid)
    return found, list(holder)


def get_addres_label_by_guid(state: PocztaState, request: etree._Element) -> etree._Element:
    """One A6 PDF per shipment, buffered or sent (assumed: the real service may want getAddressLabel
    by envelope once sent)."""
    out = response_element("getAddresLabelByGuid")
    parcels, errors = _split(state, request)
    for parcel in parcels:
        content = child(out, "content", nrNadania=parcel.waybill, guid=parcel.guid)
        child(content, "pdfContent", base64.b64encode(render_pdf([label_data(parcel)])).decode())
    out.extend(errors)
    return out


def get_print_for_parcel(state: PocztaState, request: etree._Element) -> etree._Element:
    """All the asked labels in one file, ZPL or PDF as `type/format` says."""
    out = response_element("getPrintForParcel")
    parcels, errors = _split(state, request)
    if parcels and not errors:
        data = [label_data(parcel) for parcel in parcels]
        zpl = request.findtext("type/format") == "ZPL_FORMAT"
        content = render_zpl(data).encode() if zpl else render_pdf(data)
        result = child(out, "printResult")
        child(result, "print", base64.b64encode(content).decode())
    out.extend(errors)
    return out


def _envelope_error(state: PocztaState, request: etree._Element, out: etree._Element) -> int | None:
    id_envelope = int(request.findtext("idEnvelope") or 0)
    if id_envelope not in state.envelopes:
        error(out, parse.UNKNOWN_ENVELOPE, f"brak koperty {id_envelope}")
        return None
    return id_envelope


def get_envelope_status(state: PocztaState, request: etree._Element) -> etree._Element:
    out = response_element("getEnvelopeStatus")
    with state.lock:
        envelope = state.envelopes.get(int(request.findtext("idEnvelope") or 0))
        if envelope is not None:
            child(out, "envelopeStatus", envelope.status)
        else:
            _envelope_error(state, request, out)
    return out


def get_envelope_list(state: PocztaState, request: etree._Element) -> etree._Element:
    """Envelopes transmitted between startDate and endDate (inclusive)."""
    out = response_element("getEnvelopeList")
    start = dt.date.fromisoformat(request.findtext("startDate", "").strip()[:10])
    end = dt.date.fromisoformat(request.findtext("endDate", "").strip()[:10])
    with state.lock:
        for envelope in state.envelopes.values():
            day = envelope.sent_at.date()
            if start <= day <= end:
                child(
                    out,
                    "envelopes",
                    idEnvelope=envelope.id,
                    envelopeStatus=envelope.status,
                    dataTransmisji=day,
                )
    return out


def get_envelope_content_short(state: PocztaState, request: etree._Element) -> etree._Element:
    out = response_element("getEnvelopeContentShort")
    with state.lock:
        envelope = state.envelopes.get(int(request.findtext("idEnvelope") or 0))
        for guid in envelope.guids if envelope else ():
            parcel = state.parcels[guid]
            status = "BRAK" if envelope and envelope.status == "BLEDNY" else "POTWIERDZONA"
            day = envelope.sent_at.date() if envelope else None
            child(out, "przesylka", numerNadania=parcel.waybill, guid=guid, dataNadania=day, status=status)
    return out


def get_outbox_book(state: PocztaState, request: etree._Element) -> etree._Element:
    """The książka nadawcza of a sent envelope (A4 PDF); none for an unknown or BLEDNY envelope."""
    out = response_element("getOutboxBook")
    pdf = child(out, "pdfContent", "")
    with state.lock:
        id_envelope = _envelope_error(state, request, out)
        if id_envelope is None:
            return out
        envelope = state.envelopes[id_envelope]
        if envelope.status == "BLEDNY":
            error(out, parse.ENVELOPE_INVALID, f"koperta {id_envelope} jest błędna")
            return out
        rows = []
        for guid in envelope.guids:
            data = label_data(state.parcels[guid])
            rows.append((data.waybill, data.receiver[0] if data.receiver else "", data.reference))
    book = render_protocol_pdf(
        "poczta polska", "Książka nadawcza", rows, day=envelope.sent_at.date().isoformat()
    )
    pdf.text = base64.b64encode(book).decode()
    return out
