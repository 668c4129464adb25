"""Test helper: one row in every table that can hold a seller account's rows, built from the metadata.

Each account-owned table gets a row for the account (its foreign keys pointing at the account's own rows
of the parent tables); tables shared by all accounts (agents, payout batches...) get one shared row that
both accounts' rows point at. Values are unique per row, so checksums tell rows apart; text columns carry
the account's marker, so an export can be searched for another account's data.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Table, TypeDecorator, select

from desk.extensions import db
from desk.services.privacy.offboarding.ownership import ACCOUNT_TABLE, AccountTables

_seq = itertools.count(1)
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


class Seeder:
    """Fills tables for accounts; remembers the primary keys it made per table."""

    def __init__(self) -> None:
        self.tables = AccountTables(db.metadata)
        self.shared: dict[str, dict[str, Any]] = {}  # table -> primary key values of its shared row

    def seed_account(self, account_id: int, marker: str) -> dict[str, list[dict[str, Any]]]:
        """One row in every account-owned table for `account_id`; returns table -> [primary key values]."""
        made: dict[str, dict[str, Any]] = {ACCOUNT_TABLE: {"id": account_id}}
        for owned in self.tables.parents_first():
            made[owned.name] = self._insert(owned.table, account_id, made, marker)
        db.session.commit()
        return {name: [keys] for name, keys in made.items() if name != ACCOUNT_TABLE}

    def _insert(self, table: Table, account_id: int | None, made: dict, marker: str) -> dict[str, Any]:
        values = {}
        for column in table.columns:
            value = self._value(table, column, account_id, made, marker)
            if value is not _SKIP:
                values[column.key] = value
        result = db.session.execute(table.insert().values(**values))
        keys = {}
        for column, inserted in zip(table.primary_key.columns, result.inserted_primary_key, strict=True):
            keys[column.key] = inserted
        return keys

    def _value(self, table: Table, column: Column, account_id, made: dict, marker: str) -> Any:
        for fk in column.foreign_keys:
            target = fk.column.table
            if target is table:
                return None  # a correction of itself: not needed
            if target.name == ACCOUNT_TABLE:
                return account_id
            if target.name in made and account_id is not None:
                return made[target.name][fk.column.key]
            return self._shared(target)[fk.column.key]
        if column.primary_key and column.autoincrement in (True, "auto") and _is_int(column):
            return _SKIP
        return _plain_value(column, marker, unique=_in_unique(table, column))

    def _shared(self, table: Table) -> dict[str, Any]:
        if table.name not in self.shared:
            self.shared[table.name] = self._insert(table, None, {}, "wspolne")
        return self.shared[table.name]


_SKIP = object()


def _is_int(column: Column) -> bool:
    return _python_type(column) is int


def _python_type(column: Column) -> Any:
    kind_of = column.type
    if isinstance(kind_of, TypeDecorator):
        kind_of = kind_of.impl_instance
    try:
        return kind_of.python_type
    except NotImplementedError:
        return str


def _in_unique(table: Table, column: Column) -> bool:
    from sqlalchemy import UniqueConstraint

    if column.unique:
        return True
    constraints = [c for c in table.constraints if isinstance(c, UniqueConstraint)]
    indexes = [i for i in table.indexes if i.unique]
    return any(column in list(c.columns) for c in [*constraints, *indexes])


def _plain_value(column: Column, marker: str, *, unique: bool = False) -> Any:
    n = next(_seq)
    kind = _python_type(column)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return list(kind)[0]
    enums = getattr(column.type, "enums", None)
    if enums:
        return enums[0]
    if kind is bool:
        return False
    if kind is int:
        return n if unique else 1  # check constraints want tiers of 1, bands from <= to
    if kind is float:
        return 1.0
    if kind is Decimal:
        return Decimal("1.00")
    if kind is dt.datetime:
        return NOW
    if kind is dt.date:
        return NOW.date()
    if kind is bytes:
        return f"{marker}-plik-{n}".encode()
    if kind in (dict, list):
        return {"note": f"{marker}-json-{n}"}
    length = getattr(column.type, "length", None) or 200
    text = f"{marker}-{n}"
    return text[-length:] if len(text) > length else text


def snapshot() -> dict[str, dict[tuple, tuple]]:
    """Every row of every table, by table and primary key (what "unchanged" is checked against)."""
    rows: dict[str, dict[tuple, tuple]] = {}
    for table in db.metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        found = {}
        for row in db.session.execute(select(table)).mappings():
            found[tuple(row[c.key] for c in keys)] = tuple(sorted((k, repr(v)) for k, v in row.items()))
        rows[table.name] = found
    return rows
