"""The inventory of personal data (G1), read from the models: every column marked where it is declared.

A table holding personal data carries `personal_table(subject, *kept)` in its table args; each of its
text, JSON and binary columns is marked `info={"personal": class}` or named as kept. Columns of other
types (numbers, dates, flags, enums, keys) cannot hold a name and are not personal by rule. The owners'
page and CSV (record of processing input, GDPR Art. 30) and the erasure engine read the same marks.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import JSON, Column, Enum, LargeBinary, String, Table, Text

from desk.extensions import db

CLASSES = ("identity", "contact", "address", "free_text", "bank", "file")
# whose data: a buyer's (erased with the buyer), the seller's own, or a buyer's kept by a data-subject
# request (the request, its holds, restriction and export) under the request's own rules
BUYER, SELLER, REQUEST = "buyer", "seller", "request"
LOG = "log"  # the access log: buyers by pseudonym and agents' searches, kept 12 months for accountability
# What each class becomes at the end of its life (G3); keys the page translates.
ACTIONS = {
    "identity": "pseudonymise",
    "contact": "marker",
    "address": "scrub",
    "free_text": "redact",
    "bank": "remove",
    "file": "delete_file",
}
# Where the data comes from, per table (keys the page translates).
SOURCES = {
    "order": "allegro_orders",
    "order_change": "desk",
    "order_note": "desk",
    "issue": "allegro_conversations",
    "issue_message": "allegro_conversations",
    "issue_state_change": "allegro_conversations",
    "issue_note": "desk",
    "reply_file": "desk",
    "rating": "allegro_ratings",
    "rating_draft": "desk",
    "shipment": "carriers",
    "shipment_event": "carriers",
    "shipment_label": "carriers",
    "shipment_batch_item": "desk",
    "outbox_message": "desk",
    "quarantined_record": "allegro_orders",
    "complaint": "desk",
    "complaint_file": "desk",
    "complaint_event": "desk",
    "parcel_return": "carriers",
    "surcharge": "carriers",
}
# Default retention per (subject, class) and per table where it differs (G2's defaults; keys).
RETENTION = {
    (BUYER, "identity"): "order_3y",
    (BUYER, "contact"): "order_3y",
    (BUYER, "address"): "order_3y",
    (BUYER, "free_text"): "issue_3y",
    (BUYER, "file"): "issue_3y",
    (BUYER, "bank"): "refund_30d",
}
TABLE_RETENTION = {"shipment_label": "labels_90d", "outbox_message": "outbox_30d"}
_TEXT_TYPES = (String, Text, JSON, LargeBinary)


@dataclass(frozen=True)
class InventoryRow:
    table: str
    column: str
    data_class: str  # one of CLASSES
    subject: str  # buyer | seller | request | log
    source: str  # a key of SOURCES' values, "seller_input" for the seller's own data
    action: str  # a key of ACTIONS' values
    retention: str  # a key: order_3y, issue_3y, labels_90d, ...


def personal_tables(tables: Iterable[Table] | None = None) -> list[Table]:
    """Tables marked with `personal_table`, in metadata order."""
    tables = db.metadata.sorted_tables if tables is None else tables
    return [table for table in tables if table.info.get("personal_data")]


def column_class(column: Column) -> str | None:
    """The personal-data class a column is marked with (None: not personal)."""
    return column.info.get("personal")


def column_subject(column: Column) -> str:
    """Whose data the column holds: the column's own mark, else its table's subject."""
    return column.info.get("subject") or column.table.info.get("personal_data") or BUYER


def can_hold_text(column: Column) -> bool:
    """Whether a column's type can hold a name or a text (enums hold the desk's own words)."""
    kind = column.type
    return isinstance(kind, _TEXT_TYPES) and not isinstance(kind, Enum)


def personal_columns(tables: Iterable[Table] | None = None, *, subject: str | None = None) -> list[Column]:
    """Every marked column, optionally only those of one subject (buyer | seller)."""
    tables = db.metadata.sorted_tables if tables is None else tables
    found = [column for table in tables for column in table.columns if column_class(column)]
    return [c for c in found if subject is None or column_subject(c) == subject]


def unclassified(tables: Iterable[Table] | None = None) -> list[str]:
    """`table.column` of every text/JSON/binary column of a personal table that is neither marked nor
    kept, plus marks outside a personal table or with an unknown class (the meta-test's failures)."""
    tables = list(db.metadata.sorted_tables if tables is None else tables)
    problems = []
    for table in tables:
        kept = table.info.get("kept", frozenset())
        for column in table.columns:
            mark = column_class(column)
            name = f"{table.name}.{column.name}"
            if mark and mark not in CLASSES:
                problems.append(f"{name}: unknown class {mark!r}")
            elif mark and not table.info.get("personal_data"):
                problems.append(f"{name}: marked in a table without personal_table(...)")
            elif not mark and _needs_mark(table, column, kept):
                problems.append(f"{name}: neither marked personal nor kept")
        problems += [f"{table.name}.{name}: kept but no such column" for name in kept if name not in table.c]
    return problems


def _needs_mark(table: Table, column: Column, kept) -> bool:
    return bool(table.info.get("personal_data")) and can_hold_text(column) and column.name not in kept


def inventory_rows() -> list[InventoryRow]:
    """The inventory: one row per personal column, buyers' data first."""
    rows = []
    for column in personal_columns():
        table, data_class, subject = column.table.name, column_class(column), column_subject(column)
        rows.append(
            InventoryRow(
                table=table,
                column=column.name,
                data_class=data_class,
                subject=subject,
                source=SOURCES.get(table, "desk") if subject == BUYER else "seller_input",
                action=_action(subject, data_class),
                retention=_retention(table, subject, data_class),
            )
        )
    return sorted(rows, key=lambda r: (r.subject != BUYER, r.table, r.column))


def _action(subject: str, data_class: str) -> str:
    if subject == BUYER:
        return ACTIONS[data_class]
    return {REQUEST: "with_request", LOG: "with_log"}.get(subject, "with_account")


def _retention(table: str, subject: str, data_class: str) -> str:
    if subject == REQUEST:
        return "request_own"
    if subject == LOG:
        return "log_12m"
    if subject != BUYER:
        return "account_life"
    return TABLE_RETENTION.get(table) or RETENTION[(subject, data_class)]


BOM = "\ufeff"


def inventory_csv(rows: Iterable[InventoryRow], headings: list[str], labels) -> Iterator[str]:
    """The inventory as CSV for Polish Excel: UTF-8 with BOM, `;` separated; `labels(kind, key)` gives
    the words for a class, subject, source, action or retention key."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    out.write(BOM)
    writer.writerow(headings)
    for row in rows:
        writer.writerow([
            row.table, row.column, labels("class", row.data_class), labels("subject", row.subject),
            labels("source", row.source), labels("action", row.action), labels("retention", row.retention),
        ])
    yield out.getvalue()
