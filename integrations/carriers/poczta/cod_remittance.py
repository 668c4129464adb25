"""Poczta Polska's COD settlement (rozliczenie pobrań) as XML, amounts in grosze like e-Nadawca's own
`kwotaPobrania`, with the settlement's sum in `suma` (checked against the lines).

    <rozliczeniePobran numer="RP/2026/12/0007" dataPrzelewu="2026-12-08" suma="8990">
      <pobranie numerNadania="00259007738417700315" kwota="8990" dataWplaty="2026-12-04"/>
    </rozliczeniePobran>

Read without DTDs, entities or network access: the file comes from outside.
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from integrations.carriers.remittance import Collector, Remittance, RemittanceLine

CARRIER = "poczta"
ROOT = "rozliczeniePobran"
LINE = "pobranie"
DATE_FORMATS = ("%Y-%m-%d",)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _grosze(found: Collector, line: int, name: str, text: str | None) -> Decimal | None:
    raw = (text or "").strip()
    if not raw.isdigit() or int(raw) <= 0:
        found.add(line, name, "bad_amount", f"not an amount in grosze: {text!r}", value=text or "")
        return None
    return (Decimal(int(raw)) / 100).quantize(Decimal("0.01"))


def parse(data: bytes) -> Remittance:
    """The settlement in `data`; RemittanceFormatError lists every problem (nothing is half-read)."""
    found = Collector()
    if not data.strip():
        found.add(0, "", "empty_file", "the file is empty")
        return found.finish(CARRIER, "", None, [])
    if b"<!doctype" in data.lower():  # a settlement has no DTD; entities are refused, never expanded
        found.add(0, "", "unreadable", "a DOCTYPE is not allowed")
        return found.finish(CARRIER, "", None, [])
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        found.add(0, "", "unreadable", f"not XML: {exc}")
        return found.finish(CARRIER, "", None, [])
    if etree.QName(root).localname != ROOT:
        found.add(0, ROOT, "missing_column", f"no {ROOT} element", column=ROOT)
        return found.finish(CARRIER, "", None, [])
    transfer = found.date(0, "dataPrzelewu", root.get("dataPrzelewu") or "", DATE_FORMATS)
    lines: list[RemittanceLine] = []
    for number, element in enumerate(root.iter(LINE), start=1):
        waybill = (element.get("numerNadania") or "").strip()
        if not waybill:
            found.add(number, "numerNadania", "empty_waybill", "no numerNadania")
        amount = _grosze(found, number, "kwota", element.get("kwota"))
        collected = None
        if element.get("dataWplaty"):
            collected = found.date(number, "dataWplaty", element.get("dataWplaty") or "", DATE_FORMATS)
        if waybill and amount is not None:
            lines.append(RemittanceLine(number, waybill, amount, collected))
    declared = root.get("suma")
    if declared is not None and not found.problems:
        total = _grosze(found, 0, "suma", declared)
        summed = sum((line.amount for line in lines), Decimal("0.00"))
        if total is not None and total != summed:
            found.add(0, "suma", "total_mismatch", "suma differs from the lines' sum", declared=total,
                      summed=summed)
    return found.finish(CARRIER, (root.get("numer") or "").strip()[:64], transfer, lines)
