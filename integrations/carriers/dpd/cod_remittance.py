"""DPD Polska's COD specification (specyfikacja pobrań): a semicolon CSV as Polish spreadsheets save it,
in Windows-1250 (UTF-8 is read too), decimal comma, dates DD.MM.YYYY, and a closing RAZEM line whose total
must equal the lines' sum.

    Nr listu przewozowego;Kwota pobrania;Data doręczenia;Nr specyfikacji;Data przelewu
    0000123456789U;89,90;04.12.2026;SP/2026/1207;08.12.2026
    RAZEM;89,90;;;
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from integrations.carriers.remittance import Collector, Remittance, RemittanceLine, decode

CARRIER = "dpd"
COLUMNS = ("Nr listu przewozowego", "Kwota pobrania", "Data doręczenia", "Nr specyfikacji", "Data przelewu")
TOTAL = "RAZEM"
DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d")


def parse(data: bytes) -> Remittance:
    """The specification in `data`; RemittanceFormatError lists every problem (nothing is half-read)."""
    found = Collector()
    text = decode(data, found, fallback="cp1250")
    if text is None:
        return found.finish(CARRIER, "", None, [])
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = [cell.strip().casefold() for cell in rows[0]] if rows else []
    missing = [name for name in COLUMNS if name.casefold() not in header]
    for name in missing:
        found.add(1, name, "missing_column", f"no column {name}", column=name)
    if missing:
        return found.finish(CARRIER, "", None, [])
    at = {name: header.index(name.casefold()) for name in COLUMNS}
    lines: list[RemittanceLine] = []
    references: set[str] = set()
    transfers: set[dt.date] = set()
    declared = None
    for number, row in enumerate(rows[1:], start=2):
        cells = {name: (row[index].strip() if index < len(row) else "") for name, index in at.items()}
        if not any(cell.strip() for cell in row):
            continue
        if cells[COLUMNS[0]].upper() == TOTAL:
            declared = (number, found.amount(number, COLUMNS[1], cells[COLUMNS[1]], comma=True))
            continue
        waybill = cells[COLUMNS[0]]
        if not waybill:
            found.add(number, COLUMNS[0], "empty_waybill", "no waybill")
        amount = found.amount(number, COLUMNS[1], cells[COLUMNS[1]], comma=True)
        collected = found.date(number, COLUMNS[2], cells[COLUMNS[2]], DATE_FORMATS)
        transfer = found.date(number, COLUMNS[4], cells[COLUMNS[4]], DATE_FORMATS)
        references.add(cells[COLUMNS[3]])
        if transfer:
            transfers.add(transfer)
        if waybill and amount is not None:
            lines.append(RemittanceLine(number, waybill, amount, collected))
    summed = sum((line.amount for line in lines), start=0)
    if declared is not None and declared[1] is not None and not found.problems and declared[1] != summed:
        found.add(declared[0], COLUMNS[1], "total_mismatch", "RAZEM differs from the lines' sum",
                  declared=declared[1], summed=summed)
    reference = sorted(references)[0] if len(references) == 1 else ", ".join(sorted(references))[:64]
    return found.finish(CARRIER, reference, max(transfers) if transfers else None, lines)
