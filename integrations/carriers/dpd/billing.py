"""DPD Polska's surcharge specification: the XML beside a DPD invoice, read into SurchargeLine values.

DPD publishes no schema for it, so this one is assumed, in the vocabulary of DPDServices (carriers digest
§2.5): `waybill`, the package's `ref1` (the sender's reference), parcel `weight` in kg and `sizeX`,
`sizeY`, `sizeZ` in whole cm, the customer's `masterFid`; amounts in PLN with a dot. One `item` per
charge; `chargeId` is DPD's id of the charge (the key of a re-import):

    <surchargeSpecification version="1">
      <header><invoiceNumber/><issueDate/><masterFid/><currency>PLN</currency></header>
      <items>
        <item>
          <chargeId/><chargeDate/><waybill/><ref1/><chargeCode/><description/>
          <declared><weight/><sizeX/><sizeY/><sizeZ/></declared>
          <measured><weight/><sizeX/><sizeY/><sizeZ/></measured>
          <netAmount/><vatRate/><vatAmount/><grossAmount/>
        </item>
      </items>
    </surchargeSpecification>

A problem names the line of its `item` element in the file. Charge codes (assumed, upper case like
DPDServices' enums) are listed in CODES; any other code refuses the file.
"""

from __future__ import annotations

from lxml import etree

from integrations.carriers.surcharges import (
    MISSING,
    UNREADABLE,
    BillingFile,
    LineProblem,
    LineReader,
    Measure,
    SurchargeKind,
    SurchargeLine,
    finish,
)

CARRIER = "dpd"
ROOT = "surchargeSpecification"
CODES = {
    "OVERSIZE": SurchargeKind.OVERSIZE,  # beyond 150 cm longest side / 300 cm L+W+H (digest §2.12)
    "NON_STANDARD": SurchargeKind.OVERSIZE,  # not conveyable: a non-standard parcel
    "WEIGHT_DIFFERENCE": SurchargeKind.UNDERSTATED_WEIGHT,
    "ADDRESS_INCORRECT": SurchargeKind.WRONG_ADDRESS,
    "ADDRESS_INCOMPLETE": SurchargeKind.WRONG_ADDRESS,
    "REDIRECTION": SurchargeKind.ADDRESS_CHANGE,  # consumer tracking calls it REDIRECTED
    "DAMAGE_CAUSED": SurchargeKind.DAMAGE,
    "DIRECT_ORDER": SurchargeKind.DIRECT_ORDER,
    "OTHER": SurchargeKind.OTHER,
}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def parse_billing_file(data: bytes) -> BillingFile:
    """Every charge of the XML, or BillingFileError naming each bad item's line (unknown codes too)."""
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        return finish(CARRIER, "", None, [], [LineProblem(exc.lineno, UNREADABLE, value="not XML")])
    if etree.QName(root).localname != ROOT:
        return finish(CARRIER, "", None, [], [LineProblem(root.sourceline, UNREADABLE, value=f"no {ROOT}")])
    problems: list[LineProblem] = []
    header = LineReader(_line_of(root.find("header"), root), problems)
    document = header.text("invoiceNumber", root.findtext("header/invoiceNumber"))
    issued_on = header.date("issueDate", root.findtext("header/issueDate"))
    header.currency("currency", root.findtext("header/currency"))
    items = root.findall("items/item")
    lines = [line for item in items if (line := _line(item, document, problems)) is not None]
    if not items and not problems:
        problems.append(LineProblem(root.sourceline, MISSING, "items"))
    return finish(CARRIER, document, issued_on, lines, problems)


def _line_of(element: etree._Element | None, fallback: etree._Element) -> int:
    return (element if element is not None else fallback).sourceline or 0


def _line(item: etree._Element, document: str, problems: list[LineProblem]) -> SurchargeLine | None:
    read = LineReader(item.sourceline or 0, problems)
    code = read.text("chargeCode", item.findtext("chargeCode"))
    values = {
        "reference": read.text("chargeId", item.findtext("chargeId")),
        "document": document,
        "waybill": read.text("waybill", item.findtext("waybill")),
        "code": code,
        "kind": read.kind("chargeCode", code, CODES),
        "description": read.text("description", item.findtext("description"), required=False),
        "charged_on": read.date("chargeDate", item.findtext("chargeDate")),
        "net": read.amount("netAmount", item.findtext("netAmount")),
        "vat_rate": read.number("vatRate", item.findtext("vatRate"), required=True),
        "vat": read.amount("vatAmount", item.findtext("vatAmount"), zero=True),
        "gross": read.amount("grossAmount", item.findtext("grossAmount")),
        "declared": _measure(read, item.find("declared"), "declared"),
        "measured": _measure(read, item.find("measured"), "measured"),
        "shipment_reference": read.text("ref1", item.findtext("ref1"), required=False),
    }
    read.amounts(values["net"], values["vat"], values["gross"])
    return SurchargeLine(line=read.line, **values) if read.ok else None


def _measure(read: LineReader, element: etree._Element | None, name: str) -> Measure:
    if element is None:
        return Measure()
    sides = [read.integer(f"{name}/{side}", element.findtext(side)) for side in ("sizeX", "sizeY", "sizeZ")]
    length, width, height = (None if cm is None else cm * 10 for cm in sides)
    return Measure(
        weight_g=read.grams(f"{name}/weight", element.findtext("weight")),
        length_mm=length,
        width_mm=width,
        height_mm=height,
    )
