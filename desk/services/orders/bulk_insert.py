"""Insert a page of rows with one statement instead of one statement a row.

A history backfill writes thousands of rows a minute. Sending each row as its own bound
statement costs a round trip and per-row driver work on PostgreSQL, and per-row type
processing in Python on both databases. On PostgreSQL the page travels as one JSON document,
encoded once by a C encoder and unpacked by the server (`json_populate_recordset`); SQLite,
which has no round trips to save, takes a multi-row VALUES statement with plain driver
parameters. Values pass through the column types' own bind processors first, so rows written
here and rows written by the ORM compare and sort alike.

Table and column names come from the SQLAlchemy metadata, never from input; values are
always bound parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from operator import itemgetter

from sqlalchemy import JSON, Table, text

from desk.extensions import db
from desk.orm import json_text


def insert_rows(
    table: Table, rows: Sequence[dict], *, returning: Sequence[str] = (), skip_conflicts: Sequence[str] = ()
) -> list[tuple]:
    """Insert `rows` (dicts keyed by column name, all with the same keys) in one statement.

    Returns the `returning` columns of the inserted rows (in no particular order). With
    `skip_conflicts` (the columns of a unique constraint), a row that would break that
    constraint is left out instead of failing the statement, and is missing from the result.
    """
    if not rows:
        return []
    columns = tuple(rows[0])
    dialect = db.session.get_bind().dialect
    tail = _conflict_clause(tuple(skip_conflicts)) + _returning(tuple(returning))
    if dialect.name == "postgresql":
        result = _insert_postgresql(table, columns, tail, rows, dialect)
    elif dialect.name == "sqlite":
        result = _insert_sqlite(table, columns, tail, rows, dialect)
    else:
        raise NotImplementedError(f"bulk insert is not written for {dialect.name}")
    return [tuple(row) for row in result] if returning else []


def _insert_postgresql(table, columns, tail, rows, dialect):
    """One statement; the server unpacks the page with json_populate_recordset."""
    processors = _processors(table, columns, dialect)
    document = json_text([_processed(row, processors) for row in rows])
    return db.session.execute(_postgresql_statement(table, columns, tail), {"doc": document})


@cache
def _postgresql_statement(table: Table, columns: tuple[str, ...], tail: str):
    targets = _names(columns)
    record = f"json_populate_recordset(NULL::{_quote(table.name)}, CAST(:doc AS json))"
    source = f"SELECT {targets} FROM {record}"  # noqa: S608 (names from metadata)
    return text(f"INSERT INTO {_quote(table.name)} ({targets}) {source}{tail}")  # noqa: S608


def _insert_sqlite(table, columns, tail, rows, dialect):
    """Multi-row VALUES with plain driver parameters, in chunks under SQLite's variable limit."""
    processors = _processors(table, columns, dialect)
    json_columns = [name for name in columns if isinstance(table.c[name].type, JSON)]
    per_statement = max(1, SQLITE_MAX_VARIABLES // len(columns))
    pick = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
    connection = db.session.connection()
    found = []
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        params = []
        for row in chunk:
            row = _processed(row, processors)
            for name in json_columns:
                if row[name] is not None:
                    row[name] = json_text(row[name])
            params.extend(pick(row))
        statement = _sqlite_statement(table, columns, tail, len(chunk))
        result = connection.exec_driver_sql(statement, tuple(params))
        if result.returns_rows:
            found.extend(result)
    return found


SQLITE_MAX_VARIABLES = 32_766  # SQLite 3.32 and later


@cache
def _sqlite_statement(table: Table, columns: tuple[str, ...], tail: str, count: int) -> str:
    row = "(" + ", ".join("?" for _ in columns) + ")"
    values = ", ".join(row for _ in range(count))
    head = f"INSERT INTO {_quote(table.name)} ({_names(columns)})"
    return f"{head} VALUES {values}{tail}"


def _names(columns) -> str:
    return ", ".join(_quote(name) for name in columns)


def _conflict_clause(columns: tuple[str, ...]) -> str:
    return f" ON CONFLICT ({_names(columns)}) DO NOTHING" if columns else ""


def _returning(returning: tuple[str, ...]) -> str:
    return " RETURNING " + _names(returning) if returning else ""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _processed(row: dict, processors: dict) -> dict:
    out = dict(row)
    for name, process in processors.items():
        value = out[name]
        if value is not None:
            out[name] = process(value)
    return out


@cache
def _processors(table: Table, columns: tuple[str, ...], dialect) -> dict:
    """Bind processors of the non-JSON columns that have one (dates on SQLite, for example)."""
    found = {}
    for name in columns:
        column_type = table.c[name].type
        if isinstance(column_type, JSON):
            continue
        # The dialect's own implementation, as the ORM uses it (SQLite stores dates as text in
        # a format of its own, which ordering and comparisons rely on).
        process = column_type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            found[name] = process
    return found
