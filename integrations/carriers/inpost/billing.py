"""InPost's surcharge specification: the CSV beside an InPost invoice, read into SurchargeLine values.

InPost publishes no format for it (ShipX has no billing endpoint; the specification is downloaded from
Manager Paczek), so this one is assumed, in ShipX's own vocabulary where ShipX has a word for it
(carriers digest §1.3-1.7): `tracking_number`, `shipment_id`, `reference`, `service`, the parcel
`template` (small/medium/large/xlarge) and dimensions in mm, weights in kg. As a Polish spreadsheet
export it is UTF-8 (a BOM tolerated; Windows-1250 read too), `;`-separated, decimals with a comma or a
dot, one charge per row under a header row:

    invoice_number;invoice_date;charge_id;charge_date;shipment_id;tracking_number;reference;service;
    charge_code;charge_description;declared_template;declared_length_mm;declared_width_mm;
    declared_height_mm;declared_weight_kg;measured_template;measured_length_mm;measured_width_mm;
    measured_height_mm;measured_weight_kg;net_amount;vat_rate;vat_amount;gross_amount;currency

`charge_id` is InPost's id of the charge (the key of a re-import). Charge codes (assumed; several are
ShipX status names of the events behind the charge) are listed in CODES; any other code refuses the file.
"""

from __future__ import annotations

import csv
import io

from integrations.carriers.surcharges import (
    MISSING_COLUMNS,
    UNREADABLE,
    BillingFile,
    LineProblem,
    LineReader,
    Measure,
    SurchargeKind,
    SurchargeLine,
    finish,
)

CARRIER = "inpost"
COLUMNS = (
    "invoice_number", "invoice_date", "charge_id", "charge_date", "shipment_id", "tracking_number",
    "reference", "service", "charge_code", "charge_description",
    "declared_template", "declared_length_mm", "declared_width_mm", "declared_height_mm",
    "declared_weight_kg",
    "measured_template", "measured_length_mm", "measured_width_mm", "measured_height_mm",
    "measured_weight_kg",
    "net_amount", "vat_rate", "vat_amount", "gross_amount", "currency",
)
CODES = {
    "oversized": SurchargeKind.OVERSIZE,  # ShipX status of a parcel over its template's limits
    "size_change": SurchargeKind.OVERSIZE,  # a locker parcel moved to a larger template
    "non_standard": SurchargeKind.OVERSIZE,  # courier: longest side > 120 cm or L+W+H > 220 cm
    "long_parcel": SurchargeKind.OVERSIZE,  # courier: longest side > 200 cm
    "weight_verification": SurchargeKind.UNDERSTATED_WEIGHT,
    "undelivered_wrong_address": SurchargeKind.WRONG_ADDRESS,  # ShipX status names
    "undelivered_incomplete_address": SurchargeKind.WRONG_ADDRESS,
    "readdressed": SurchargeKind.ADDRESS_CHANGE,
    "damage_other_parcels": SurchargeKind.DAMAGE,
    "direct_order": SurchargeKind.DIRECT_ORDER,
    "other": SurchargeKind.OTHER,
}


def parse_billing_file(data: bytes) -> BillingFile:
    """Every charge of the CSV, or BillingFileError naming each bad line (an unknown charge code too)."""
    problems: list[LineProblem] = []
    text = _decode(data)
    if text is None:
        return finish(CARRIER, "", None, [], [LineProblem(None, UNREADABLE, value="not UTF-8 text")])
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
    missing = [name for name in COLUMNS if name not in (reader.fieldnames or ())]
    if missing:
        return finish(CARRIER, "", None, [], [LineProblem(None, MISSING_COLUMNS, value=", ".join(missing))])
    lines: list[SurchargeLine] = []
    for row in reader:
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue  # a blank row (spreadsheets leave them at the end)
        line = _line(LineReader(reader.line_num, problems), row)
        if line is not None:
            lines.append(line)
    document = lines[0].document if lines else ""
    return finish(CARRIER, document, None, lines, problems)


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "cp1250"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text if "\x00" not in text else None
    return None


def _line(read: LineReader, row: dict[str, str]) -> SurchargeLine | None:
    code = read.text("charge_code", row["charge_code"])
    values = {
        "reference": read.text("charge_id", row["charge_id"]),
        "document": read.text("invoice_number", row["invoice_number"]),
        "waybill": read.text("tracking_number", row["tracking_number"]),
        "code": code,
        "kind": read.kind("charge_code", code, CODES),
        "description": read.text("charge_description", row["charge_description"], required=False),
        "charged_on": read.date("charge_date", row["charge_date"]),
        "net": read.amount("net_amount", row["net_amount"]),
        "vat_rate": read.number("vat_rate", row["vat_rate"], required=True),
        "vat": read.amount("vat_amount", row["vat_amount"], zero=True),
        "gross": read.amount("gross_amount", row["gross_amount"]),
        "declared": _measure(read, row, "declared"),
        "measured": _measure(read, row, "measured"),
        "shipment_reference": read.text("reference", row["reference"], required=False),
    }
    read.currency("currency", row["currency"])
    read.amounts(values["net"], values["vat"], values["gross"])
    return SurchargeLine(line=read.line, **values) if read.ok else None


def _measure(read: LineReader, row: dict[str, str], prefix: str) -> Measure:
    return Measure(
        weight_g=read.grams(f"{prefix}_weight_kg", row[f"{prefix}_weight_kg"]),
        length_mm=read.integer(f"{prefix}_length_mm", row[f"{prefix}_length_mm"]),
        width_mm=read.integer(f"{prefix}_width_mm", row[f"{prefix}_width_mm"]),
        height_mm=read.integer(f"{prefix}_height_mm", row[f"{prefix}_height_mm"]),
        size=read.text(f"{prefix}_template", row[f"{prefix}_template"], required=False),
    )
