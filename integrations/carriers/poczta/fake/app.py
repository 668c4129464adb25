"""The fake e-Nadawca (+ Sledzenie) as a Flask app: SOAP over POST, Basic auth, schema validation.

Every e-Nadawca request body is validated against the WSDL's inline schema; a body that breaks it gets
a SOAP Client fault (HTTP 500) and is recorded in `state.violations`, as is any answer of the fake that
breaks it (a self-check). Routes for FakeHarness are named "SOAP <operation>".
"""

from __future__ import annotations

import base64
from collections.abc import Callable

from flask import Flask, Response, request
from lxml import etree

from integrations.carriers.fakekit import FakeHarness
from integrations.carriers.poczta.client import NAMESPACE
from integrations.carriers.poczta.fake import complaints, courier, reads, shipments
from integrations.carriers.poczta.fake.soap import answer, body_of, fault, schema_errors
from integrations.carriers.poczta.fake.state import PocztaState
from integrations.carriers.poczta.sledzenie import NAMESPACE as SLEDZENIE

ENADAWCA_PATH = "/websrv/en.php"
SLEDZENIE_PATH = "/Sledzenie/services/Sledzenie"

Handler = Callable[[PocztaState, etree._Element], etree._Element]
OPERATIONS: dict[str, Handler] = {
    "addShipment": shipments.add_shipment,
    "getEnvelopeBufor": shipments.get_envelope_bufor,
    "clearEnvelopeByGuids": shipments.clear_envelope_by_guids,
    "clearEnvelope": shipments.clear_envelope,
    "sendEnvelope": shipments.send_envelope,
    "getEnvelopeStatus": reads.get_envelope_status,
    "getEnvelopeList": reads.get_envelope_list,
    "getEnvelopeContentShort": reads.get_envelope_content_short,
    "getOutboxBook": reads.get_outbox_book,
    "getAddresLabelByGuid": reads.get_addres_label_by_guid,
    "getPrintForParcel": reads.get_print_for_parcel,
    "zamowKuriera": courier.zamow_kuriera,
    "getPlacowkiPocztowe": courier.get_placowki_pocztowe,
    "addReklamacje": complaints.add_reklamacje,
    "addZalacznikDoReklamacji": complaints.add_zalacznik_do_reklamacji,
    "getReklamacje": complaints.get_reklamacje,
    "getListaPowodowReklamacji": complaints.get_lista_powodow_reklamacji,
}
# answers the schema cannot accept by design: an empty voivodeship (the WSDL wants at least one placówka)
_UNCHECKED_ANSWERS = {"getPlacowkiPocztowe"}


def route_name() -> str:
    """ "SOAP <operation>" from the SOAPAction header, else from the body's first element."""
    action = request.headers.get("SOAPAction", "").strip('"')
    if action:
        return f"SOAP {action.rstrip('/').rpartition('/')[2].removeprefix('urn:')}"
    element = body_of(request.get_data(cache=True))
    return f"SOAP {etree.QName(element).localname if element is not None else '?'}"


def _authorized(state: PocztaState) -> bool:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return False
    try:
        login, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
    except ValueError:
        return False
    return login in state.credentials and state.credentials[login] == password


def _enadawca(state: PocztaState) -> Response:
    if not _authorized(state):
        return Response("Unauthorized", status=401, headers={"WWW-Authenticate": 'Basic realm="e-Nadawca"'})
    element = body_of(request.get_data(cache=True))
    if element is None or etree.QName(element).namespace != NAMESPACE:
        return fault("SOAP-ENV:Client", "not an e-Nadawca SOAP request")
    operation = etree.QName(element).localname
    problems = schema_errors(element)
    if problems:
        state.violations.append(f"request {operation}: {'; '.join(problems)}")
        return fault("SOAP-ENV:Client", f"{operation}: {'; '.join(problems)}")
    handler = OPERATIONS.get(operation)
    if handler is None:
        return fault("SOAP-ENV:Client", f"{operation} is not served by the fake")
    out = handler(state, element)
    if operation not in _UNCHECKED_ANSWERS:
        for problem in schema_errors(out):
            state.violations.append(f"answer {operation}: {problem}")
    return answer(out)


def _sledzenie(state: PocztaState) -> Response:
    data = request.get_data(cache=True)
    element = body_of(data)
    if element is None or etree.QName(element) != etree.QName(SLEDZENIE, "sprawdzPrzesylke"):
        return fault("SOAP-ENV:Client", "only sprawdzPrzesylke is modelled")
    numer = "".join(node.text or "" for node in element if etree.QName(node).localname == "numer").strip()
    return courier.sprawdz_przesylke(state, etree.fromstring(data), numer)


def create_app(state: PocztaState) -> Flask:
    """The fake's Flask app; `app.extensions["harness"]` holds the FakeHarness."""
    app = Flask("fake_poczta")
    harness = FakeHarness(route_of=route_name)
    harness.install(app)
    app.extensions["harness"] = harness
    app.add_url_rule(ENADAWCA_PATH, "enadawca", lambda: _enadawca(state), methods=["POST"])
    app.add_url_rule(SLEDZENIE_PATH, "sledzenie", lambda: _sledzenie(state), methods=["POST"])
    return app
