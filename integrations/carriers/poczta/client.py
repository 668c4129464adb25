"""Thin e-Nadawca wire client: one method per SOAP operation the desk uses, through transport.call.

zeep builds each envelope from the vendored WSDL (polymorphic `przesylki` with the right xsi:type is where
hand-written XML goes wrong) and reads each answer; the HTTP exchange itself goes through
`transport.call` so that timeouts, resets, 401 and 5xx land in the error tree the same way for every
carrier. HTTP Basic auth rides on every request; the WSDL's production address is never used: the
client posts to the URL it is given (test or production endpoint, or the fake).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

import requests
import zeep
import zeep.exceptions
from lxml import etree

from integrations.carriers import transport
from integrations.carriers.errors import CarrierRefused, CarrierResponseError
from integrations.carriers.poczta.services import CARRIER

NAMESPACE = "http://e-nadawca.poczta-polska.pl"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
PRODUCTION_URL = "https://e-nadawca.poczta-polska.pl/websrv/en.php"
TEST_URL = "https://en-testwebapi.poczta-polska.pl/websrv/en.php"


def wsdl_path() -> str:
    """The vendored WSDL's file path (see wsdl/README.md for its source)."""
    return str(resources.files("integrations.carriers.poczta").joinpath("wsdl/en.wsdl"))


@cache
def _zeep_client() -> zeep.Client:
    """One parsed WSDL per process (~0.2 s to load); zeep never sends through it here."""
    return zeep.Client(wsdl_path())


def soap_fault(response: requests.Response) -> tuple[str, str] | None:
    """(faultcode, faultstring) when the body is a SOAP Fault, else None."""
    if b"Fault" not in response.content[:4000]:
        return None
    try:
        root = etree.fromstring(response.content)
    except etree.XMLSyntaxError:
        return None
    fault = root.find(f".//{{{SOAP_ENV}}}Fault")
    if fault is None:
        return None
    return fault.findtext("faultcode", "").strip(), fault.findtext("faultstring", "").strip()


def raise_client_fault(response: requests.Response) -> None:
    """A SOAP Client fault (the server refused the message, e.g. it broke the schema) is a certain
    refusal even though SOAP 1.1 sends it as HTTP 500: raise it before transport reads the 500 as
    'maybe applied'. Server faults are left to transport (unknown outcome for writes)."""
    if response.status_code != 500:
        return
    fault = soap_fault(response)
    if fault is not None and fault[0].rpartition(":")[2] == "Client":
        raise CarrierRefused(f"e-Nadawca refused the message: {fault[1]}", carrier=CARRIER, raw=fault[1])


class EnadawcaClient:
    """e-Nadawca operations as Python calls; answers are zeep objects (parse.py reads them)."""

    def __init__(
        self,
        url: str,
        login: str,
        password: str,
        *,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = transport.DEFAULT_TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url
        self._auth = (login, password)
        self._session = session or requests.Session()
        self._timeout = timeout
        self._sleep = sleep
        self._zeep = _zeep_client()
        self.types = self._zeep.type_factory("ns0")

    def _call(self, operation: str, *, write: bool, **params: Any) -> Any:
        """Build the envelope, send it once (reads: a few times), read the answer."""
        message = self._zeep.create_message(self._zeep.service, operation, **params)
        body = etree.tostring(message, xml_declaration=True, encoding="utf-8")
        headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{NAMESPACE}/{operation}"'}

        def send() -> requests.Response:
            response = self._session.post(
                self.url, data=body, headers=headers, auth=self._auth, timeout=self._timeout
            )
            raise_client_fault(response)
            return response

        response = transport.call(send, carrier=CARRIER, write=write, sleep=self._sleep)
        binding = self._zeep.service._binding
        try:
            return binding.process_reply(self._zeep, binding.get(operation), response)
        except (zeep.exceptions.Error, etree.XMLSyntaxError, ValueError) as exc:
            raise CarrierResponseError(
                f"unreadable {operation} answer (HTTP {response.status_code}): {exc}",
                carrier=CARRIER,
                raw=response.text[:2000],
            ) from exc

    # -- the envelope buffer ------------------------------------------------------------------------
    def add_shipment(self, przesylki: list[Any]) -> list[Any]:
        """addShipment into the default buffer -> retval[] {guid, numerNadania, error[]}."""
        return self._call("addShipment", write=True, przesylki=przesylki) or []

    def get_envelope_bufor(self) -> Any:
        """getEnvelopeBufor (default buffer) -> {przesylka[], error[]}."""
        return self._call("getEnvelopeBufor", write=False)

    def clear_envelope_by_guids(self, guids: list[str]) -> list[Any]:
        """clearEnvelopeByGuids -> error[] (empty when every guid was removed)."""
        return self._call("clearEnvelopeByGuids", write=True, guid=guids) or []

    def clear_envelope(self) -> Any:
        """clearEnvelope (default buffer) -> {retval, error[]}."""
        return self._call("clearEnvelope", write=True)

    def send_envelope(self) -> Any:
        """sendEnvelope: transmit the default buffer -> {idEnvelope, envelopeStatus, error[], ...}."""
        return self._call("sendEnvelope", write=True)

    # -- sent envelopes -----------------------------------------------------------------------------
    def get_envelope_status(self, id_envelope: int) -> Any:
        """getEnvelopeStatus -> {envelopeStatus, error[]}."""
        return self._call("getEnvelopeStatus", write=False, idEnvelope=id_envelope)

    def get_envelope_list(self, start: dt.date, end: dt.date) -> list[Any]:
        """getEnvelopeList -> envelopes[] {idEnvelope, envelopeStatus, dataTransmisji, error[]}."""
        return self._call("getEnvelopeList", write=False, startDate=start, endDate=end) or []

    def get_envelope_content_short(self, id_envelope: int) -> list[Any]:
        """getEnvelopeContentShort -> przesylka[] {guid, numerNadania, status, ...}."""
        return self._call("getEnvelopeContentShort", write=False, idEnvelope=id_envelope) or []

    def get_outbox_book(self, id_envelope: int) -> Any:
        """getOutboxBook (książka nadawcza) -> {pdfContent, error[]}."""
        return self._call("getOutboxBook", write=False, idEnvelope=id_envelope)

    # -- labels -------------------------------------------------------------------------------------
    def get_addres_label_by_guid(self, guids: list[str]) -> Any:
        """getAddresLabelByGuid -> {content[] {pdfContent, nrNadania, guid}, error[]}."""
        return self._call("getAddresLabelByGuid", write=False, guid=guids)

    def get_print_for_parcel(self, guids: list[str], *, format: str) -> Any:
        """getPrintForParcel, kind ADDRESS_LABEL_BY_GUID, all in one file -> {printResult[], error[]}."""
        kind = self.types.PrintType(
            kind="ADDRESS_LABEL_BY_GUID",
            method="ALL_PARCELS_IN_ONE_FILE",
            format=format,
            resolution="DPI_203",
        )
        return self._call("getPrintForParcel", write=False, guid=guids, type=kind)

    # -- complaints (reklamacje) ------------------------------------------------------------------
    def get_lista_powodow_reklamacji(self) -> list[Any]:
        """getListaPowodowReklamacji -> kategoriePowodowReklamacji[] {nazwa, powodReklamacji[]}."""
        return self._call("getListaPowodowReklamacji", write=False) or []

    def add_reklamacje(self, reklamacje: list[Any]) -> Any:
        """addReklamacje -> {error[], reklamacjaInfo[] {idReklamacja, guidPrzesylki}}."""
        return self._call("addReklamacje", write=True, reklamowanaPrzesylka=reklamacje)

    def add_zalacznik_do_reklamacji(self, id_reklamacja: str, zalaczniki: list[Any]) -> list[Any]:
        """addZalacznikDoReklamacji (at most 5 files a call) -> error[]."""
        answer = self._call(
            "addZalacznikDoReklamacji", write=True, idReklamacja=id_reklamacja, zalacznik=zalaczniki
        )
        return answer or []

    def get_reklamacje(self, day: dt.date) -> list[Any]:
        """getReklamacje: the complaints decided on `day` -> reklamacja[] (attributes only)."""
        return self._call("getReklamacje", write=False, dataRozpatrzenia=day) or []

    # -- courier and points -------------------------------------------------------------------------
    def zamow_kuriera(self, **fields: Any) -> list[Any]:
        """zamowKuriera -> error[] (the WSDL gives no order number back)."""
        return self._call("zamowKuriera", write=True, **fields) or []

    def get_placowki_pocztowe(self, id_wojewodztwo: str) -> list[Any]:
        """getPlacowkiPocztowe for one voivodeship -> placowka[]."""
        return self._call("getPlacowkiPocztowe", write=False, idWojewodztwo=id_wojewodztwo) or []
