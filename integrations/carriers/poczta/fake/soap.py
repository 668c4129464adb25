"""SOAP plumbing of the fake: the WSDL's schema (compiled once with lxml), envelopes in and out, faults."""

from __future__ import annotations

import copy
from functools import cache

from flask import Response
from lxml import etree

from integrations.carriers.poczta.client import NAMESPACE, SOAP_ENV, wsdl_path

XSD = "http://www.w3.org/2001/XMLSchema"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


@cache
def schema() -> etree.XMLSchema:
    """The `<xsd:schema>` of the WSDL's `<types>`, re-rooted with the `tns`/`xsd` prefixes its QName
    values use (a plain copy would lose the declarations inherited from `<wsdl:definitions>`)."""
    original = etree.parse(wsdl_path()).find(f".//{{{XSD}}}schema")
    assert original is not None
    root = etree.Element(
        f"{{{XSD}}}schema", nsmap={"xsd": XSD, "tns": NAMESPACE}, attrib=dict(original.attrib)
    )
    for child in original:
        root.append(copy.deepcopy(child))
    return etree.XMLSchema(etree.ElementTree(root))


def schema_errors(element: etree._Element) -> list[str]:
    """Why the element breaks the schema (empty when valid): the element is validated as a document of
    its own, as the WSDL's global element of that name."""
    document = etree.ElementTree(copy.deepcopy(element))
    validator = schema()
    if validator.validate(document):
        return []
    return [f"line {e.line}: {e.message}" for e in validator.error_log]  # type: ignore[attr-defined]


def body_of(data: bytes) -> etree._Element | None:
    """The first element in the SOAP Body, or None when the request is no SOAP envelope."""
    try:
        root = etree.fromstring(data)
    except etree.XMLSyntaxError:
        return None
    body = root.find(f"{{{SOAP_ENV}}}Body")
    if body is None or len(body) == 0:
        return None
    return body[0]


def answer(element: etree._Element) -> Response:
    """An envelope around `element` (HTTP 200)."""
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"SOAP-ENV": SOAP_ENV})
    etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body").append(element)
    xml = etree.tostring(envelope, xml_declaration=True, encoding="utf-8")
    return Response(xml, status=200, content_type="text/xml; charset=utf-8")


def fault(code: str, text: str, *, nsmap: dict[str, str] | None = None) -> Response:
    """A SOAP 1.1 Fault, HTTP 500 as the spec has it (`code` e.g. "SOAP-ENV:Client")."""
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"SOAP-ENV": SOAP_ENV, **(nsmap or {})})
    body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
    node = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(node, "faultcode").text = code
    etree.SubElement(node, "faultstring").text = text
    xml = etree.tostring(envelope, xml_declaration=True, encoding="utf-8")
    return Response(xml, status=500, content_type="text/xml; charset=utf-8")


def response_element(operation: str) -> etree._Element:
    """`<tns:{operation}Response>`; its children stay unqualified, as the schema's local elements are."""
    return etree.Element(f"{{{NAMESPACE}}}{operation}Response", nsmap={"tns": NAMESPACE, "xsi": XSI})


def child(parent: etree._Element, name: str, text: str | None = None, **attrs: object) -> etree._Element:
    """An unqualified child element with attributes (None values left out)."""
    node = etree.SubElement(parent, name, {k: _attr(v) for k, v in attrs.items() if v is not None})
    if text is not None:
        node.text = text
    return node


def _attr(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def error(parent: etree._Element, number: int, text: str, guid: str | None = None) -> None:
    """One errorType item."""
    child(parent, "error", errorNumber=number, errorDesc=text, guid=guid)
