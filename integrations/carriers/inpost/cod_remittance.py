"""InPost's COD settlement file: comma-separated UTF-8 CSV, one parcel a line, ShipX field names.

    tracking_number,cod_amount,currency,delivered_at,settlement_id,transfer_date
    523000015611700083038270,89.90,PLN,2026-12-04T14:03:00+01:00,RS/2026/12/0042,2026-12-08

Amounts with a decimal point; `delivered_at` ISO 8601 (its own date is the day of collection);
`settlement_id` and `transfer_date` repeat on every line and name the transfer.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from integrations.carriers.remittance import Collector, Remittance, RemittanceLine, decode

CARRIER = "inpost"
COLUMNS = ("tracking_number", "cod_amount", "currency", "delivered_at", "settlement_id", "transfer_date")


def parse(data: bytes) -> Remittance:
    """The settlement in `data`; RemittanceFormatError lists every problem (nothing is half-read)."""
    found = Collector()
    text = decode(data, found)
    if text is None:
        return found.finish(CARRIER, "", None, [])
    rows = list(csv.reader(io.StringIO(text), delimiter=","))
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    missing = [name for name in COLUMNS if name not in header]
    for name in missing:
        found.add(1, name, "missing_column", f"no column {name}", column=name)
    if missing:
        return found.finish(CARRIER, "", None, [])
    at = {name: header.index(name) for name in COLUMNS}
    lines: list[RemittanceLine] = []
    references: set[str] = set()
    transfers: set[dt.date] = set()
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {name: (row[index].strip() if index < len(row) else "") for name, index in at.items()}
        waybill = cells["tracking_number"]
        if not waybill:
            found.add(number, "tracking_number", "empty_waybill", "no tracking number")
        amount = found.amount(number, "cod_amount", cells["cod_amount"])
        if cells["currency"].upper() != "PLN":
            found.add(number, "currency", "bad_currency", "only PLN", value=cells["currency"])
        collected = found.date(number, "delivered_at", cells["delivered_at"][:10], ("%Y-%m-%d",))
        transfer = found.date(number, "transfer_date", cells["transfer_date"], ("%Y-%m-%d",))
        references.add(cells["settlement_id"])
        if transfer:
            transfers.add(transfer)
        if waybill and amount is not None:
            lines.append(RemittanceLine(number, waybill, amount, collected))
    reference = sorted(references)[0] if len(references) == 1 else ", ".join(sorted(references))[:64]
    transfer_date = max(transfers) if transfers else None
    return found.finish(CARRIER, reference, transfer_date, lines)
