"""Named per-account cursors (event ids, sweep times, backfill positions)."""
from __future__ import annotations

from desk.extensions import db
from desk.models import SyncCursor
from desk.orm import utcnow


def get_cursor(account_id: int, feed: str) -> str | None:
    """The stored value of a feed's cursor, or None when the feed never ran."""
    row = db.session.get(SyncCursor, (account_id, feed))
    return row.value if row else None


def has_cursor(account_id: int, feed: str) -> bool:
    return db.session.get(SyncCursor, (account_id, feed)) is not None


def set_cursor(account_id: int, feed: str, value: str | None) -> None:
    """Move a cursor; flushes only, so it lands in the same commit as the rows it produced."""
    row = db.session.get(SyncCursor, (account_id, feed))
    if row is None:
        row = SyncCursor(account_id=account_id, feed=feed)
        db.session.add(row)
    row.value = value
    row.updated_at = utcnow()
