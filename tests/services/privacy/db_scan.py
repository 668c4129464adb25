"""Test helper: look for strings anywhere in the database (every column of every table, JSON included)."""

from __future__ import annotations

from sqlalchemy import select

from desk.extensions import db


def find_in_database(*needles: str) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every stored value that contains one of `needles`."""
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).mappings():
            for column, value in row.items():
                if value is None:
                    continue
                text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                found += [(table.name, column, n) for n in needles if n in text]
    return found
