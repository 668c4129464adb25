"""SOAP under the DPD adapter: zeep builds and reads the envelopes from the packaged WSDLs (loaded
offline), requests sends them through transport.call (so timeouts and 5xx follow the shared rules).

zeep's own transport is never used to reach DPD: it gets a session that refuses every request, so
loading a WSDL can never touch the network, and the service address is whatever the adapter was given
(the fake's URL in tests, DPD's host in production).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import requests
import zeep
import zeep.exceptions
from lxml import etree
from zeep.transports import Transport

from integrations.carriers import transport
from integrations.carriers.errors import (
    CarrierAuthError,
    CarrierError,
    CarrierRefused,
    CarrierResponseError,
)

CARRIER = "dpd"
PACKAGES_WSDL = "DPDPackageObjServices.wsdl"
READ_WSDL = "DPDPackageRead.wsdl"  # authored: findPackagesV1 (see wsdl/README.md)
INFO_WSDL = "DPDInfoServicesObjEvents.wsdl"  # authored: getEventsForWaybillV1
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"

# DPD words the auth fault in free text (no fault code of its own); assumed wording, see README.md
_AUTH_FAULT = re.compile(r"login|password|auth|masterfid|channel", re.IGNORECASE)


class _Offline(requests.adapters.BaseAdapter):
    """A requests adapter that refuses to send: zeep must find everything in the package."""

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        raise requests.ConnectionError(f"offline: zeep tried to fetch {request.url}")

    def close(self) -> None:
        """Nothing to close."""


def wsdl_path(name: str) -> str:
    """The file path of a packaged WSDL."""
    return str(resources.files("integrations.carriers.dpd").joinpath("wsdl", name))


class _PackagedTransport(Transport):
    """zeep's transport for loading documents: package files only (read and closed here, zeep's own
    file loading leaves the handle open), and a session that refuses the network."""

    def __init__(self) -> None:
        session = requests.Session()
        session.mount("http://", _Offline())
        session.mount("https://", _Offline())
        super().__init__(session=session)

    def load(self, url: str) -> bytes:
        path = Path(url.removeprefix("file://"))
        if not path.is_file():
            raise requests.ConnectionError(f"offline: {url} is not a packaged file")
        return path.read_bytes()


@cache
def load_client(name: str) -> zeep.Client:
    """A zeep client for one packaged WSDL, loaded once per process without any network."""
    settings = zeep.Settings(strict=True, xml_huge_tree=False)
    return zeep.Client(wsdl_path(name), transport=_PackagedTransport(), settings=settings)


class _FaultAnswer(Exception):
    """Carries a SOAP fault out of transport.call: JAX-WS answers faults with HTTP 500, but a fault is
    the carrier's reply to a request it read and refused, not a failure whose outcome is unknown."""

    def __init__(self, response: requests.Response) -> None:
        super().__init__("soap fault")
        self.response = response


def _is_fault(response: requests.Response) -> bool:
    if response.status_code != 500 or b"Fault" not in response.content[:4000]:
        return False
    try:
        root = etree.fromstring(response.content)
    except etree.XMLSyntaxError:
        return False
    return root.find(f"{{{SOAP_ENV}}}Body/{{{SOAP_ENV}}}Fault") is not None


def fault_error(fault: zeep.exceptions.Fault) -> CarrierError:
    """The error tree's reading of a DPDServiceException."""
    message = fault.message or "SOAP fault"
    if _AUTH_FAULT.search(message):
        return CarrierAuthError(message, carrier=CARRIER, raw=message)
    return CarrierRefused(message, carrier=CARRIER, raw=message)


class SoapEndpoint:
    """One SOAP service of DPD at one address: `call(op, write=..., **params)` returns the operation's
    `return` value as zeep objects, or raises from the error tree."""

    def __init__(
        self, wsdl: str, address: str, session: requests.Session, timeout: float | tuple[float, float]
    ) -> None:
        self.client = load_client(wsdl)
        self.address = address
        self.session = session
        self.timeout = timeout

    def call(self, operation: str, *, write: bool, **params: Any) -> Any:
        """Send one operation and read its answer."""
        envelope = self.client.create_message(self.client.service, operation, **params)
        body = etree.tostring(envelope, xml_declaration=True, encoding="utf-8")

        def send() -> requests.Response:
            response = self.session.post(
                self.address,
                data=body,
                headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
                timeout=self.timeout,
            )
            if _is_fault(response):
                raise _FaultAnswer(response)
            return response

        try:
            response = transport.call(send, carrier=CARRIER, write=write)
        except _FaultAnswer as answer:
            response = answer.response
        return self._read(operation, response)

    def _read(self, operation: str, response: requests.Response) -> Any:
        binding = self.client.service._binding
        try:
            return binding.process_reply(self.client, binding.get(operation), response)
        except zeep.exceptions.Fault as fault:
            raise fault_error(fault) from fault
        except (zeep.exceptions.Error, etree.XMLSyntaxError, ValueError) as exc:
            raise CarrierResponseError(
                f"unreadable {operation} answer (HTTP {response.status_code}): {exc}",
                carrier=CARRIER,
                raw=response.text[:2000],
            ) from exc
