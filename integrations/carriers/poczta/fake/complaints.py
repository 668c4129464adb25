"""The fake e-Nadawca's complaint operations (addReklamacje, addZalacznikDoReklamacji, getReklamacje,
getListaPowodowReklamacji) on the shared ComplaintBook (`state.complaints`: ask_for / decide are the handles).

The reasons below are AUTHORED (Poczta Polska's real list is read from getListaPowodowReklamacji). A complaint
waiting for documents is listed on the day it was asked as NIEWNIESIONA with the request as `uzasadnienie`;
a decided one on its decision day as UZASADNIONA (accepted, also in part) or NIEUZASADNIONA.
"""

from __future__ import annotations

import base64
import binascii
from decimal import Decimal

from lxml import etree

from integrations.carriers.addresses import WARSAW
from integrations.carriers.fakekit.complaints import ACCEPTED, NEED_DOCUMENTS, PARTLY, REJECTED
from integrations.carriers.poczta import parse
from integrations.carriers.poczta.fake.soap import child, error, response_element
from integrations.carriers.poczta.fake.state import PocztaState
from integrations.carriers.poczta.wire import grosze, pln

REASONS = (
    ("Szkody w przesyłkach krajowych", (
        (1, "Ubytek zawartości", 11, "Ubytek zawartości przesyłki", "shortage"),
        (2, "Uszkodzenie", 21, "Uszkodzenie przesyłki", "damage"),
        (3, "Utrata", 31, "Utrata (zagubienie) przesyłki", "loss"),
    )),
    ("Terminowość", ((4, "Opóźnienie", 41, "Niedotrzymanie terminu doręczenia", "delay"),)),
)
KIND_BY_REASON = {main: kind for _name, reasons in REASONS for main, _m, _d, _t, kind in reasons}
VERDICT = {ACCEPTED: "UZASADNIONA", PARTLY: "UZASADNIONA", REJECTED: "NIEUZASADNIONA"}


def get_lista_powodow_reklamacji(state: PocztaState, request: etree._Element) -> etree._Element:
    out = response_element("getListaPowodowReklamacji")
    for name, reasons in REASONS:
        category = child(out, "kategoriePowodowReklamacji")
        child(category, "nazwa", name)
        for main, main_text, detail, detail_text, _kind in reasons:
            reason = child(category, "powodReklamacji", idPowodGlowny=main, powodGlownyOpis=main_text)
            child(reason, "powodSzczegolowy", idPowodSzczegolowy=detail, powodSzczegolowyOpis=detail_text)
    return out


def add_reklamacje(state: PocztaState, request: etree._Element) -> etree._Element:
    """One complaint per parcel (the parcel's guid is its key); an unknown parcel is an error."""
    out = response_element("addReklamacje")
    infos: list[tuple[str, str]] = []
    for item in request.findall("reklamowanaPrzesylka"):
        parcel_element = item.find("przesylka")
        guid = parcel_element.get("guid", "") if parcel_element is not None else ""
        parcel = state.parcels.get(guid)
        reason = item.find("powodReklamacji")
        kind = KIND_BY_REASON.get(int(reason.get("idPowodGlowny") or 0)) if reason is not None else None
        if parcel is None:
            error(out, parse.UNKNOWN_GUID, "brak przesyłki o podanym guid", guid)
            continue
        if kind is None:
            error(out, parse.FIELD_INVALID, "powodReklamacji: nieznany powód reklamacji", guid)
            continue
        complaint, _created = state.complaints.file(
            guid, waybill=parcel.waybill, kind=kind, body=dict(item.attrib),
            claimed=pln(int(item.get("oczekiwaneOdszkodowanie") or 0)) or Decimal("0.00"),
            fee=pln(int(item.get("oplata"))) if item.get("oplata") else None,
        )
        infos.append((str(complaint.id), guid))
    for complaint_id, guid in infos:  # the schema wants the errors first
        info = child(out, "reklamacjaInfo")
        child(info, "idReklamacja", complaint_id)
        child(info, "guidPrzesylki", guid)
    return out


def add_zalacznik_do_reklamacji(state: PocztaState, request: etree._Element) -> etree._Element:
    out = response_element("addZalacznikDoReklamacji")
    complaint_id = (request.findtext("idReklamacja") or "").strip()
    complaint = state.complaints.get(complaint_id)
    if complaint is None:
        error(out, parse.UNKNOWN_GUID, f"brak reklamacji {complaint_id}")
        return out
    files = []
    for item in request.findall("zalacznik"):
        try:
            size = len(base64.b64decode(item.findtext("fileContent") or "", validate=True))
        except (binascii.Error, ValueError):
            error(out, parse.FIELD_INVALID, "fileContent: niepoprawna zawartość pliku")
            return out
        name, kind = item.findtext("fileName"), item.findtext("fileDesc") or ""
        files.append({"name": name, "kind": kind, "size": size})
    state.complaints.add_documents(complaint.id, files)
    return out


def get_reklamacje(state: PocztaState, request: etree._Element) -> etree._Element:
    """The complaints decided (or sent back for documents) on the day asked for."""
    out = response_element("getReklamacje")
    day = (request.findtext("dataRozpatrzenia") or "").strip()
    with state.complaints.lock:
        complaints = sorted(state.complaints.complaints.values(), key=lambda c: c.id)
    for complaint in complaints:
        state.complaints.get(complaint.id)  # catch up with the demo's auto decisions
        if complaint.outcome == NEED_DOCUMENTS and _day(complaint.asked_at) == day:
            verdict, granted = "NIEWNIESIONA", None
        elif complaint.outcome in VERDICT and _day(complaint.decided_at) == day:
            verdict = VERDICT[complaint.outcome]
            granted = grosze(complaint.compensation) if complaint.compensation is not None else None
        else:
            continue
        child(
            out, "reklamacja", guid=complaint.key, numerNadania=complaint.waybill, rozstrzygniecie=verdict,
            przyznaneOdszkodowanie=granted, uzasadnienie=complaint.message or None, dataRozpatrzenia=day,
            nazwaJednostkiRozpatrujacej="Centrum Reklamacji (fake)", idReklamacja=complaint.id,
        )
    return out


def _day(moment) -> str:
    return moment.astimezone(WARSAW).date().isoformat() if moment is not None else ""
