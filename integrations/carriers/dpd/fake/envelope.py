"""SOAP 1.1 envelopes for the fake DPD: read a request body, validate it against the packaged XSD,
write answers in the WSDL's shapes (`<ns2:opResponse><return>…`) and DPDServiceException faults."""

from __future__ import annotations

import base64
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from lxml import etree

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
PACKAGES_NS = "http://dpdservices.dpd.com.pl/"
INFO_NS = "http://events.dpdinfoservices.dpd.com.pl/"
_XSD = {PACKAGES_NS: "DPDPackageObjServices.xsd", INFO_NS: "DPDInfoServicesObjEvents.xsd"}


class SoapFault(Exception):
    """Answer with a SOAP fault (HTTP 500, as JAX-WS does)."""

    def __init__(self, message: str, *, namespace: str = PACKAGES_NS, code: str = "S:Server") -> None:
        super().__init__(message)
        self.message = message
        self.namespace = namespace
        self.code = code


@cache
def schema(namespace: str) -> etree.XMLSchema:
    path = resources.files("integrations.carriers.dpd").joinpath("wsdl", _XSD[namespace])
    return etree.XMLSchema(etree.parse(str(path)))


def operation_of(raw: bytes) -> tuple[str, str, etree._Element] | None:
    """(namespace, operation name, body element) of a SOAP request, or None when it is not one."""
    try:
        root = etree.fromstring(raw, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None
    body = root.find(f"{{{SOAP_ENV}}}Body")
    if root.tag != f"{{{SOAP_ENV}}}Envelope" or body is None or len(body) == 0:
        return None
    element = body[0]
    qname = etree.QName(element)
    return qname.namespace or "", qname.localname, element


def validate(namespace: str, element: etree._Element) -> None:
    """Raise a fault when the body element breaks the XSD (as DPD's JAX-WS does)."""
    checker = schema(namespace)
    if not checker.validate(element):
        error = checker.error_log.last_error
        raise SoapFault(
            f"Schema validation failed: {error.message if error else 'invalid'}", namespace=namespace
        )


def plain(element: etree._Element) -> Any:
    """An element as plain values: text for leaves, dict of lists of children otherwise."""
    if len(element) == 0:
        return element.text or ""
    found: dict[str, list[Any]] = {}
    for child in element:
        found.setdefault(etree.QName(child).localname, []).append(plain(child))
    return found


def first(value: dict[str, list[Any]] | Any, *path: str, default: Any = None) -> Any:
    """The first value along a path of child names in plain() output."""
    for name in path:
        if not isinstance(value, dict) or not value.get(name):
            return default
        value = value[name][0]
    return value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, Decimal | int | float):
        return str(value)
    return str(value)


def _build(parent: etree._Element, name: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, list):
        for item in value:
            _build(parent, name, item)
        return
    child = etree.SubElement(parent, name)
    if isinstance(value, dict):
        for key, item in value.items():
            _build(child, key, item)
    else:
        child.text = _text(value)


def answer(namespace: str, operation: str, value: dict[str, Any]) -> bytes:
    """`<ns2:{operation}Response><return>value</return>`; checked against the XSD so the fake never
    answers outside its own schema."""
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"S": SOAP_ENV})
    body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
    wrapper = etree.SubElement(body, f"{{{namespace}}}{operation}Response", nsmap={"ns2": namespace})
    _build(wrapper, "return", value)
    checker = schema(namespace)
    if not checker.validate(wrapper):
        raise AssertionError(f"fake DPD answer breaks the XSD: {checker.error_log.last_error}")
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")


def fault(error: SoapFault) -> bytes:
    """A SOAP 1.1 fault with a DPDServiceException detail."""
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"S": SOAP_ENV})
    body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
    node = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(node, "faultcode").text = error.code
    etree.SubElement(node, "faultstring").text = error.message
    detail = etree.SubElement(node, "detail")
    exception = etree.SubElement(
        detail, f"{{{error.namespace}}}DPDServiceException", nsmap={"ns2": error.namespace}
    )
    etree.SubElement(exception, "message").text = error.message
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")
