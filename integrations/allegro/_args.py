"""Checks and formats for the client's arguments, shared by every API area of AllegroClient."""

from __future__ import annotations

import datetime as dt


def format_datetime(value: dt.datetime) -> str:
    """ISO-8601 UTC with milliseconds and Z, e.g. 2026-11-20T10:00:00.000Z (naive means UTC)."""
    utc = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def check_int(name: str, value: int, low: int, high: int | None) -> None:
    """A ValueError unless `value` is an int (not a bool) from `low` to `high` (None: no upper bound)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < low
        or (high is not None and value > high)
    ):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ValueError(f"{name} must be an integer {bounds}, got {value!r}")
