"""Poczta Polska's invoice announcement (zapowiedź faktury): its surcharges read into SurchargeLine values.

e-Nadawca hands it out as `getZapowiedziFaktur(data)` -> `zapowiedzFakturyZipFile` (base64 ZIP files; the
WSDL in wsdl/ has the operation, not the content of the ZIP), and takes objections back through
`addRozbieznoscDoZapowiedziFaktur`. The XML inside is assumed here, in e-Nadawca's style: data in
attributes, masses in grams, amounts in whole grosze (as `kwotaPobrania`), the shipment by its
`numerNadania` and the sender's `numerPrzesylkiKlienta`, sizes as Pocztex formats (S..2XL) or gabaryt,
measured sides in whole cm. The ZIP itself or the XML alone may be given:

    <zapowiedzFaktury xmlns="http://e-nadawca.poczta-polska.pl" numerFaktury="" dataWystawienia=""
                      waluta="PLN">
      <pozycja idPozycji="" numerNadania="" numerPrzesylkiKlienta="" dataZdarzenia="" kodOplaty=""
               opis="" masaDeklarowana="" masaZmierzona="" formatDeklarowany="" formatZmierzony=""
               dlugoscZmierzona="" szerokoscZmierzona="" wysokoscZmierzona=""
               kwotaNetto="" stawkaVat="" kwotaVat="" kwotaBrutto=""/>
    </zapowiedzFaktury>

`idPozycji` is Poczta Polska's id of the charge (the key of a re-import). Charge codes (assumed) are
listed in CODES; any other code refuses the file. A problem names the line of its `pozycja`.
"""

from __future__ import annotations

import io
import zipfile

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

CARRIER = "poczta"
ROOT = "zapowiedzFaktury"
NAMESPACE = "http://e-nadawca.poczta-polska.pl"
MAX_XML_BYTES = 20 * 1024 * 1024  # a ZIP member beyond this is refused unread (a ZIP bomb)
CODES = {
    "PONADGABARYT": SurchargeKind.OVERSIZE,  # the e-Nadawca flag `ponadgabaryt`, found at sorting
    "ZMIANA_FORMATU": SurchargeKind.OVERSIZE,  # measured in a larger Pocztex format (or gabaryt B)
    "NIEDOPLATA_MASA": SurchargeKind.UNDERSTATED_WEIGHT,
    "BLEDNY_ADRES": SurchargeKind.WRONG_ADDRESS,
    "ADRES_NIEPELNY": SurchargeKind.WRONG_ADDRESS,
    "ZMIANA_ADRESU": SurchargeKind.ADDRESS_CHANGE,  # redirected on the way (przekierowanie)
    "USZKODZENIE_INNYCH": SurchargeKind.DAMAGE,
    "ZLECENIE_BEZPOSREDNIE": SurchargeKind.DIRECT_ORDER,
    "INNA": SurchargeKind.OTHER,
}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def parse_billing_file(data: bytes) -> BillingFile:
    """Every charge of the announcement (ZIP or XML), or BillingFileError naming each bad line."""
    xml, problem = _xml_of(data)
    if problem is not None:
        return finish(CARRIER, "", None, [], [problem])
    try:
        root = etree.fromstring(xml, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        return finish(CARRIER, "", None, [], [LineProblem(exc.lineno, UNREADABLE, value="not XML")])
    if etree.QName(root).localname != ROOT:
        return finish(CARRIER, "", None, [], [LineProblem(root.sourceline, UNREADABLE, value=f"no {ROOT}")])
    problems: list[LineProblem] = []
    header = LineReader(root.sourceline or 0, problems)
    document = header.text("numerFaktury", root.get("numerFaktury"))
    issued_on = header.date("dataWystawienia", root.get("dataWystawienia"))
    header.currency("waluta", root.get("waluta"))
    items = [child for child in root.iterchildren("{*}pozycja", "pozycja")]
    lines = [line for item in items if (line := _line(item, document, problems)) is not None]
    if not items and not problems:
        problems.append(LineProblem(root.sourceline, MISSING, "pozycja"))
    return finish(CARRIER, document, issued_on, lines, problems)


def _xml_of(data: bytes) -> tuple[bytes, LineProblem | None]:
    """The XML itself, or the one XML file inside the ZIP e-Nadawca hands out."""
    if not data.startswith(b"PK"):
        return data, None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [info for info in archive.infolist() if info.filename.lower().endswith(".xml")]
            if len(members) != 1:
                return b"", LineProblem(None, UNREADABLE, value=f"{len(members)} XML files in the ZIP")
            if members[0].file_size > MAX_XML_BYTES:
                return b"", LineProblem(None, UNREADABLE, value="the XML in the ZIP is too large")
            return archive.read(members[0]), None
    except (zipfile.BadZipFile, OSError, RuntimeError):  # RuntimeError: an encrypted member
        return b"", LineProblem(None, UNREADABLE, value="not a ZIP file")


def _line(item: etree._Element, document: str, problems: list[LineProblem]) -> SurchargeLine | None:
    read = LineReader(item.sourceline or 0, problems)
    code = read.text("kodOplaty", item.get("kodOplaty"))
    values = {
        "reference": read.text("idPozycji", item.get("idPozycji")),
        "document": document,
        "waybill": read.text("numerNadania", item.get("numerNadania")),
        "code": code,
        "kind": read.kind("kodOplaty", code, CODES),
        "description": read.text("opis", item.get("opis"), required=False),
        "charged_on": read.date("dataZdarzenia", item.get("dataZdarzenia")),
        "net": read.amount("kwotaNetto", item.get("kwotaNetto"), grosze=True),
        "vat_rate": read.number("stawkaVat", item.get("stawkaVat"), required=True),
        "vat": read.amount("kwotaVat", item.get("kwotaVat"), grosze=True, zero=True),
        "gross": read.amount("kwotaBrutto", item.get("kwotaBrutto"), grosze=True),
        "declared": Measure(
            weight_g=read.integer("masaDeklarowana", item.get("masaDeklarowana")),
            size=read.text("formatDeklarowany", item.get("formatDeklarowany"), required=False),
        ),
        "measured": _measured(read, item),
        "shipment_reference": read.text(
            "numerPrzesylkiKlienta", item.get("numerPrzesylkiKlienta"), required=False
        ),
    }
    read.amounts(values["net"], values["vat"], values["gross"])
    return SurchargeLine(line=read.line, **values) if read.ok else None


def _measured(read: LineReader, item: etree._Element) -> Measure:
    sides = [read.integer(name, item.get(name)) for name in ("dlugoscZmierzona", "szerokoscZmierzona",
                                                             "wysokoscZmierzona")]
    length, width, height = (None if cm is None else cm * 10 for cm in sides)
    return Measure(
        weight_g=read.integer("masaZmierzona", item.get("masaZmierzona")),
        length_mm=length,
        width_mm=width,
        height_mm=height,
        size=read.text("formatZmierzony", item.get("formatZmierzony"), required=False),
    )
