"""Quarantine: records from Allegro that the desk could not read or store are set aside with their
raw JSON and error, so one bad record never stops the rest of an account's sync.

Every area's sync builds one `Quarantine` per step. Records it could not read arrive as
RejectedRecords from the client; records the store refused are set aside by the area after a
failed page is retried record by record (see `store_each`). A record stored later (by a sync or
a retry from the sync page) resolves its row. Shared by every area; it imports none of them.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from sqlalchemy import select, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import SessionTransaction

from desk.extensions import db
from desk.models import QuarantinedRecord
from desk.orm import json_text, utcnow
from desk.services.shared.erasures import record_erased
from desk.services.shared.redaction import MARKER
from integrations.allegro import RejectedRecord

log = logging.getLogger(__name__)
T = TypeVar("T")
# What storing a malformed record can raise. A database that is down or locked (OperationalError)
# is not the record's fault: it fails the step, and the cursor stays where it was.
STORE_ERRORS = (IntegrityError, DataError, ValueError, TypeError, KeyError, AttributeError, ArithmeticError)
MAX_KEY = 64


class Quarantine:
    """The quarantine of one account for one sync step (orders, issues or ratings)."""

    def __init__(self, account_id: int, step: str) -> None:
        self.account_id = account_id
        self.step = step
        self.added = 0
        # Usually empty: only records already set aside are looked for when a page is stored.
        self._open = _open_keys(account_id, step)

    def reject_all(self, records: Iterable[RejectedRecord]) -> None:
        """Set aside records the client could not read."""
        for record in records:
            self.reject(record)

    def reject(self, record: RejectedRecord) -> None:
        """Set aside one record the client could not read (or that was another record)."""
        self.set_aside(record.kind, record.allegro_id, raw=record.raw, error=record.error)

    def refuse(self, kind: str, allegro_id: str, dto: object, exc: BaseException) -> None:
        """Set aside a record that was read but that the store could not take."""
        self.set_aside(kind, allegro_id, raw=_as_json(dto), error=f"{type(exc).__name__}: {exc}")

    def set_aside(self, kind: str, allegro_id: str | None, *, raw: str, error: str) -> None:
        """Add or refresh the record's row; flushes only (the caller commits with its cursor)."""
        key = record_key(allegro_id, raw)
        now = utcnow()
        if record_erased(self.account_id, allegro_id, raw):  # the erasure registry: keep nothing of it
            raw, error = MARKER, f"{MARKER} {error.split(':', 1)[0][:60]}"
        row = db.session.scalar(
            select(QuarantinedRecord).where(
                QuarantinedRecord.account_id == self.account_id,
                QuarantinedRecord.kind == kind,
                QuarantinedRecord.record_key == key,
            )
        )
        if row is None:
            row = QuarantinedRecord(
                account_id=self.account_id, step=self.step, kind=kind, record_key=key,
                allegro_id=_short(allegro_id), first_seen_at=now, times_seen=0,
            )
            db.session.add(row)
        row.raw, row.error, row.last_seen_at = raw, error[:2000], now
        row.times_seen += 1
        row.resolved_at = row.resolution = None
        self._open.add((kind, key))
        self.added += 1
        db.session.flush()
        log.warning("account %s: %s %s set aside: %s", self.account_id, kind, allegro_id or "?", error[:300])

    def stored(self, kind: str, allegro_ids: Iterable[str]) -> None:
        """These records were stored after all: resolve their rows, if any are open."""
        if not self._open:
            return
        keys = {record_key(allegro_id, "") for allegro_id in allegro_ids} & {
            key for open_kind, key in self._open if open_kind == kind
        }
        if keys:
            resolve(self.account_id, [kind], keys, resolution="stored")
            self._open -= {(kind, key) for key in keys}


def store_each(
    items: Sequence[T], store: Callable[[Sequence[T]], list], refused: Callable[[T, BaseException], None]
) -> list:
    """Store a page in one go; when the store refuses it, store it record by record and hand
    each record it still refuses to `refused`. Returns what `store` returned, concatenated.

    Each attempt runs in a savepoint, so a refused record leaves nothing half-written and the
    caller's transaction (with its cursor) goes on.
    """
    try:
        with savepoint():
            return store(items)
    except STORE_ERRORS as exc:
        log.info("a page of %d records was refused (%s); storing them one by one", len(items), exc)
    results: list = []
    for item in items:
        try:
            with savepoint():
                results.extend(store([item]))
        except STORE_ERRORS as exc:
            refused(item, exc)
    return results


def savepoint() -> SessionTransaction:
    """A savepoint inside the session's transaction.

    SQLite's Python driver opens its transaction only before the first write, so a SAVEPOINT sent
    first would become the transaction itself, and releasing it would commit the page without its
    cursor. The transaction is opened explicitly first when the driver has none.
    """
    connection = db.session.connection()
    if connection.dialect.name == "sqlite" and not connection.connection.driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN")
    return db.session.begin_nested()


def resolve(account_id: int, kinds: Sequence[str], keys: Iterable[str], *, resolution: str) -> int:
    """Mark open rows of these records resolved; flushes only."""
    result = db.session.execute(
        update(QuarantinedRecord)
        .where(
            QuarantinedRecord.account_id == account_id,
            QuarantinedRecord.kind.in_(kinds),
            QuarantinedRecord.record_key.in_(list(keys)),
            QuarantinedRecord.resolved_at.is_(None),
        )
        .values(resolved_at=utcnow(), resolution=resolution)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def record_key(allegro_id: str | None, raw: str) -> str:
    """The Allegro id (when it fits), else a digest of it or of the raw JSON."""
    if allegro_id and len(allegro_id) <= MAX_KEY:
        return allegro_id
    source = allegro_id or raw
    return "sha256:" + hashlib.sha256(source.encode()).hexdigest()[:64]


def _open_keys(account_id: int, step: str) -> set[tuple[str, str]]:
    rows = db.session.execute(
        select(QuarantinedRecord.kind, QuarantinedRecord.record_key).where(
            QuarantinedRecord.account_id == account_id,
            QuarantinedRecord.resolved_at.is_(None),
            QuarantinedRecord.step == step,
        )
    )
    return {(kind, key) for kind, key in rows}


def _short(allegro_id: str | None) -> str | None:
    return allegro_id if allegro_id is None or len(allegro_id) <= MAX_KEY else allegro_id[:MAX_KEY]


def _as_json(dto: object) -> str:
    try:
        return json_text(dto)
    except TypeError:
        return json_text(repr(dto))
