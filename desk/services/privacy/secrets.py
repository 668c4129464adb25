"""Secrets at rest: find every encrypted column and re-encrypt it with the newest key (key rotation).

A column holding a Fernet ciphertext is declared with `info={"secret": "fernet"}`; the rotation walks
those columns table by table in primary-key batches, one commit per batch. A value already under the
newest key is left alone, so a rerun (after a crash or on purpose) changes nothing it did before. Each
update compares the old ciphertext, so a token refreshed meanwhile (already under the newest key) is
never overwritten with an older value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Column, Table, and_, func, select, update

from desk.extensions import db
from desk.services.shared.tokens import TokenCipher

SECRET_KIND = "fernet"
Progress = Callable[[int], None]


@dataclass(frozen=True)
class SecretColumns:
    """The encrypted columns of one table."""

    table: Table
    columns: tuple[Column, ...]

    @property
    def name(self) -> str:
        return self.table.name


@dataclass
class RotationCount:
    """What the rotation did to one table: values re-encrypted and values already current."""

    rotated: int = 0
    current: int = 0


def encrypted_columns() -> list[SecretColumns]:
    """Every table with columns declared `info={"secret": "fernet"}`, in a stable order."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = tuple(c for c in table.columns if c.info.get("secret") == SECRET_KIND)
        if columns:
            found.append(SecretColumns(table, columns))
    return found


def count_encrypted_rows() -> int:
    """Rows holding at least one encrypted value (the progress bar's length)."""
    total = 0
    for secret in encrypted_columns():
        total += db.session.scalar(select(func.count()).select_from(secret.table)) or 0
    return total


def rotate_secrets(
    cipher: TokenCipher, *, batch: int = 500, progress: Progress | None = None
) -> dict[str, RotationCount]:
    """Re-encrypt every encrypted value with the cipher's newest key; commits per batch.

    Values that cannot be decrypted with any configured key raise ValueError (nothing of that batch is
    written): a key was removed too early. `progress` is called with the number of rows of each batch.
    """
    counts: dict[str, RotationCount] = {}
    for secret in encrypted_columns():
        counts[secret.name] = _rotate_table(cipher, secret, batch, progress)
    return counts


def _rotate_table(
    cipher: TokenCipher, secret: SecretColumns, batch: int, progress: Progress | None
) -> RotationCount:
    (pk,) = secret.table.primary_key.columns  # every encrypted table has a one-column key
    count = RotationCount()
    last = None
    while True:
        stmt = select(pk, *secret.columns).order_by(pk).limit(batch)
        if last is not None:
            stmt = stmt.where(pk > last)
        rows = db.session.execute(stmt).all()
        if not rows:
            return count
        for row in rows:
            _rotate_row(cipher, secret, pk, row, count)
        db.session.commit()
        last = rows[-1][0]
        if progress is not None:
            progress(len(rows))


def _rotate_row(cipher: TokenCipher, secret: SecretColumns, pk: Column, row, count: RotationCount) -> None:
    values, guards = {}, [pk == row[0]]
    for column, value in zip(secret.columns, row[1:], strict=True):
        if value is None:
            continue
        if cipher.is_current(value):
            count.current += 1
            continue
        values[column.key] = cipher.rotate(value)
        guards.append(column == value)
    if values:
        result = db.session.execute(update(secret.table).where(and_(*guards)).values(**values))
        # 0 rows: the row changed meanwhile (a refresh wrote a value under the newest key already)
        count.rotated += len(values) if result.rowcount else 0
