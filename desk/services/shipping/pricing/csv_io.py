"""A price list as CSV for Excel (UTF-8 with BOM, `;` between columns, decimal comma), and back.

One file holds both kinds of price: `type` is `row` (freight) or `addon`; the columns a kind does not
use stay empty. Import replaces every row and add-on of a list that has not come into force, after a
dry run that reports each problem (line, column, what is wrong) and what would change; applying runs
the same checks again and writes all or nothing in one transaction.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from desk.extensions import db
from desk.models import AddonPrice, PriceList, PriceRow
from desk.services.errors import N_, ValidationError
from desk.services.shipping.pricing.lists import editable_list, get_price_list, lock_owner
from desk.services.shipping.pricing.validation import (
    AddonValues,
    RowValues,
    addon_overlap,
    check_addon,
    check_row,
    row_overlap,
)

COLUMNS = ("type", "carrier", "service", "size_class", "weight_from_g", "weight_to_g", "code",
           "value_from", "value_to", "net", "net_fixed", "percent", "min_net")
ROW, ADDON = "row", "addon"
BOM = "\ufeff"
MAX_BYTES = 300_000  # thousands of prices; the dry run page carries the file back in a form field


@dataclass(frozen=True, slots=True)
class CsvProblem:
    line: int  # line of the file (the header is line 1)
    column: str
    message: str  # N_ msgid
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """What an import would do: problems (then nothing may be written) and the counts of change."""

    problems: tuple[CsvProblem, ...]
    rows: tuple[RowValues, ...] = ()
    addons: tuple[AddonValues, ...] = ()
    added: int = 0  # prices whose key the list does not have yet
    replaced: int = 0  # prices of a key the list has, with another figure
    unchanged: int = 0
    removed: int = 0  # prices of the list the file no longer has

    @property
    def ok(self) -> bool:
        return not self.problems


def _decimal_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def export_csv(list_id: int, *, account_ids: set[int] | None) -> tuple[str, str]:
    """(file name, CSV text with BOM) of a list's rows and add-ons."""
    price_list = get_price_list(list_id, account_ids=account_ids)
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in price_list.rows:
        writer.writerow([ROW, row.carrier, row.service, row.size_class, row.weight_from_g, row.weight_to_g,
                         "", "", "", _decimal_text(row.net), "", "", ""])
    for addon in price_list.addons:
        writer.writerow([ADDON, addon.carrier, addon.service, "", "", "", addon.code,
                         _decimal_text(addon.value_from), _decimal_text(addon.value_to), "",
                         _decimal_text(addon.net_fixed), _decimal_text(addon.percent),
                         _decimal_text(addon.min_net)])
    return f"cennik-{price_list.id}-{price_list.valid_from.isoformat()}.csv", out.getvalue()


def read_csv(data: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[CsvProblem]]:
    """The file's records with their line numbers, or the problems that stop reading it at all."""
    if len(data) > MAX_BYTES:
        return [], [CsvProblem(1, "", N_("The file is too large (at most %(max)s kB)."), {"max": 300})]
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [CsvProblem(1, "", N_("The file is not UTF-8 text; save it as “CSV UTF-8” in Excel."))]
    reader = csv.DictReader(io.StringIO(content, newline=""), delimiter=";")
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        return [], [CsvProblem(1, name, N_("Column %(column)s is missing."), {"column": name})
                    for name in missing]
    reader.fieldnames = header
    records = []
    for record in reader:
        if not any((value or "").strip() for key, value in record.items() if key is not None):
            continue  # Excel leaves empty lines at the end
        records.append((reader.line_num, {k: (v or "") for k, v in record.items() if k is not None}))
    return records, []


def plan_import(list_id: int, data: bytes, *, today: dt.date, account_ids: set[int] | None) -> ImportPlan:
    """Dry run: check every line and compare with the list; writes nothing."""
    price_list = editable_list(list_id, today=today, account_ids=account_ids)
    records, problems = read_csv(data)
    rows: list[tuple[int, RowValues]] = []
    addons: list[tuple[int, AddonValues]] = []
    for line, record in records:
        kind = record.get("type", "").strip().lower()
        if kind == ROW:
            _check(line, record, check_row, row_overlap, rows, problems)
        elif kind == ADDON:
            _check(line, record, check_addon, addon_overlap, addons, problems)
        else:
            problems.append(CsvProblem(line, "type", N_("Type must be “row” or “addon”, not “%(value)s”."),
                                       {"value": kind}))
    if problems:
        return ImportPlan(tuple(problems))
    new_rows, new_addons = [v for _, v in rows], [v for _, v in addons]
    counts = _compare(price_list, new_rows, new_addons)
    return ImportPlan((), tuple(new_rows), tuple(new_addons), **counts)


def _check(line, record, check, overlap, accepted, problems) -> None:
    values, errors = check(record)
    for column, (message, params) in errors.items():
        problems.append(CsvProblem(line, column, message, params))
    if values is None:
        return
    clash = overlap(values, [v for _, v in accepted])
    if clash is not None:
        column = "weight_from_g" if isinstance(values, RowValues) else "value_from"
        problems.append(CsvProblem(line, column, clash[0], clash[1]))
        return
    accepted.append((line, values))


def _compare(price_list: PriceList, rows: list[RowValues], addons: list[AddonValues]) -> dict[str, int]:
    def row_key(r):
        return r.carrier, r.service, r.size_class, r.weight_from_g, r.weight_to_g

    def addon_key(a):
        return a.carrier, a.service, a.code, a.value_from, a.value_to

    old = {("r", *row_key(r)): (r.net,) for r in price_list.rows}
    old |= {("a", *addon_key(a)): (a.net_fixed, a.percent, a.min_net) for a in price_list.addons}
    new = {("r", *row_key(r)): (r.net,) for r in rows}
    new |= {("a", *addon_key(a)): (a.net_fixed, a.percent, a.min_net) for a in addons}
    common = old.keys() & new.keys()
    unchanged = sum(1 for key in common if old[key] == new[key])
    return {"added": len(new.keys() - old.keys()), "replaced": len(common) - unchanged,
            "unchanged": unchanged, "removed": len(old.keys() - new.keys())}


def apply_import(list_id: int, data: bytes, *, today: dt.date, account_ids: set[int] | None) -> ImportPlan:
    """Replace the list's rows and add-ons with the file's, only if its dry run has no problem.
    All or nothing, one commit; ValidationError when the file has problems."""
    plan = plan_import(list_id, data, today=today, account_ids=account_ids)
    if not plan.ok:
        raise ValidationError(N_("The file has errors; nothing was imported."))
    price_list = db.session.get(PriceList, list_id)
    lock_owner(price_list.account_id)
    try:
        price_list.rows.clear()
        price_list.addons.clear()
        db.session.flush()  # the old prices go before the new ones arrive
        price_list.rows.extend(PriceRow(**_fields(v)) for v in plan.rows)
        price_list.addons.extend(AddonPrice(**_fields(v)) for v in plan.addons)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return plan


def _fields(values) -> dict[str, Any]:
    return {name: getattr(values, name) for name in values.__slots__}
