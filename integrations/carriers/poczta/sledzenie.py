"""Poczta Polska tracking through the "Sledzenie" SOAP service — an authored, minimal model.

The Sledzenie WSDL is not public in the references (carriers/README.md), so the envelope is built by hand
from the names the digest gives (§3.4): operation `sprawdzPrzesylke(numer)` in namespace
`http://sledzenie.pocztapolska.pl`, WS-Security UsernameToken (PasswordText) in the header, answer
`przesylka{numer, status, danePrzesylki{..., zakonczonoObsluge, zdarzenia{zdarzenie{czas, kod, nazwa,
konczace, jednostka{nazwa}}}}}`. Elements are read by local name so the answer's exact namespaces (Axis2
puts the data types in a `/xsd` namespace) do not matter. Times are Warsaw local time without an offset.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from xml.sax.saxutils import escape

import requests
from lxml import etree

from integrations.carriers import status, transport
from integrations.carriers.base import TrackingEvent
from integrations.carriers.errors import (
    CarrierAuthError,
    CarrierNotFound,
    CarrierResponseError,
    CarrierUnavailable,
)
from integrations.carriers.poczta.client import raise_client_fault, soap_fault
from integrations.carriers.poczta.services import CARRIER
from integrations.carriers.poczta.wire import warsaw_time

NAMESPACE = "http://sledzenie.pocztapolska.pl"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
PASSWORD_TEXT = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText"
)
PRODUCTION_URL = "https://tt.poczta-polska.pl/Sledzenie/services/Sledzenie"

# przesylka.status (digest §3.4; carrier-status-map.json sledzenie_przesylka_status)
OK, SAME_NUMBER, NO_EVENTS, NOT_FOUND, INVALID_NUMBER, OTHER_ERROR = 0, 1, 2, -1, -2, -99

_REQUEST = """<?xml version="1.0" encoding="utf-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sle="{ns}">
<soapenv:Header><wsse:Security xmlns:wsse="{wsse}" soapenv:mustUnderstand="1"><wsse:UsernameToken>
<wsse:Username>{user}</wsse:Username><wsse:Password Type="{ptype}">{password}</wsse:Password>
</wsse:UsernameToken></wsse:Security></soapenv:Header>
<soapenv:Body><sle:sprawdzPrzesylke><sle:numer>{numer}</sle:numer></sle:sprawdzPrzesylke></soapenv:Body>
</soapenv:Envelope>"""


def _local(element: etree._Element, name: str) -> etree._Element | None:
    return next((child for child in element if etree.QName(child).localname == name), None)


def _text(element: etree._Element | None, name: str) -> str:
    found = None if element is None else _local(element, name)
    return (found.text or "").strip() if found is not None else ""


def parse_events(przesylka: etree._Element, waybill: str) -> tuple[TrackingEvent, ...]:
    """zdarzenia -> TrackingEvents through the status map, oldest first."""
    dane = _local(przesylka, "danePrzesylki")
    zdarzenia = _local(dane, "zdarzenia") if dane is not None else None
    events = []
    for zdarzenie in zdarzenia if zdarzenia is not None else ():
        code = _text(zdarzenie, "kod")
        state, known = status.map_code(CARRIER, code)
        events.append(
            TrackingEvent(
                code=code,
                text=_text(zdarzenie, "nazwa"),
                at=warsaw_time(_text(zdarzenie, "czas")),
                state=state,
                known=known,
                location=_text(_local(zdarzenie, "jednostka"), "nazwa"),
                waybill=waybill,
            )
        )
    return tuple(sorted(events, key=lambda event: event.at))


class SledzenieClient:
    """sprawdzPrzesylke(numer) with a UsernameToken; answers TrackingEvents."""

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        *,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = transport.DEFAULT_TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url
        self._username = username
        self._password = password
        self._session = session or requests.Session()
        self._timeout = timeout
        self._sleep = sleep

    def _send(self, body: bytes) -> requests.Response:
        headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '"urn:sprawdzPrzesylke"'}
        response = self._session.post(self.url, data=body, headers=headers, timeout=self._timeout)
        fault = soap_fault(response) if response.status_code == 500 else None
        if fault is not None and "FailedAuthentication" in fault[0]:
            raise CarrierAuthError(f"Sledzenie refused the credentials: {fault[1]}", carrier=CARRIER)
        raise_client_fault(response)
        return response

    def track(self, waybill: str) -> tuple[TrackingEvent, ...]:
        """The parcel's events; CarrierNotFound for an unknown or malformed number."""
        body = _REQUEST.format(
            ns=NAMESPACE,
            wsse=WSSE,
            ptype=PASSWORD_TEXT,
            user=escape(self._username),
            password=escape(self._password),
            numer=escape(waybill),
        ).encode("utf-8")
        response = transport.call(lambda: self._send(body), carrier=CARRIER, write=False, sleep=self._sleep)
        try:
            root = etree.fromstring(response.content)
        except etree.XMLSyntaxError as exc:
            raise CarrierResponseError(f"unreadable Sledzenie answer: {exc}", carrier=CARRIER) from exc
        przesylka = next((el for el in root.iter() if etree.QName(el).localname == "return"), None)
        if przesylka is None:
            raise CarrierResponseError("Sledzenie answer without a przesylka", carrier=CARRIER)
        code = int(_text(przesylka, "status") or OTHER_ERROR)
        if code in (NOT_FOUND, INVALID_NUMBER):
            raise CarrierNotFound(f"no Poczta Polska parcel {waybill} (status {code})", carrier=CARRIER)
        if code == NO_EVENTS:
            return ()
        if code not in (OK, SAME_NUMBER):
            raise CarrierUnavailable(f"Sledzenie status {code}", carrier=CARRIER)
        return parse_events(przesylka, waybill)
