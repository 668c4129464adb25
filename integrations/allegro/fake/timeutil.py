"""Time helpers: Allegro writes UTC timestamps with milliseconds and a Z suffix."""
from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    """The current time, tz-aware UTC."""
    return dt.datetime.now(dt.UTC)


def to_utc(moment: dt.datetime) -> dt.datetime:
    """Treat naive datetimes as UTC; convert aware ones to UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def truncate_ms(moment: dt.datetime) -> dt.datetime:
    """Drop sub-millisecond digits so stored times equal the strings clients read back."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def iso(moment: dt.datetime) -> str:
    """'2024-05-01T10:15:30.133Z'."""
    # isoformat is several times faster than strftime, which matters for bulk generation
    return to_utc(moment).replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def parse_iso(text: str) -> dt.datetime:
    """Parse an ISO-8601 timestamp as sent in query strings ('Z' or an offset; naive = UTC)."""
    return to_utc(dt.datetime.fromisoformat(text.strip().replace(" ", "+")))


def epoch_ms(moment: dt.datetime) -> int:
    """Milliseconds since the epoch: cheap sort keys for the order indexes."""
    return int(to_utc(moment).timestamp() * 1000)
