"""Typed values from the query string and forms (ids, days), and the links between a list's pages.

Everything typed into an address or a form is bounded here: an id beyond what the database stores
or a day outside 2000-2099 is simply not a value (a 404 or the form's "invalid" message), never a 500.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask import url_for

DATE_ARGS = ("date_from", "date_to")
ID_MAX = 2**63 - 1  # the largest id a BIGINT column holds
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


def db_id(text: str) -> int:
    """An id as the database stores it (1 .. 2**63-1); ValueError otherwise. Usable as `type=` of
    `request.args.get` / `getlist`, which then leave bad values out."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        raise ValueError(f"not an id: {text[:30]!r}")
    value = int(text)
    if not 1 <= value <= ID_MAX:
        raise ValueError(f"id out of range: {text}")
    return value


def parse_id(text: str | None) -> int | None:
    """The id in `text`, or None when it is empty or not an id."""
    try:
        return db_id(text or "")
    except ValueError:
        return None


def parse_day(text: str) -> dt.date | None:
    """A day as date inputs send it (2024-05-31) or as Poles type it (31.05.2024), 2000-2099."""
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            day = dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        return day if FIRST_DAY <= day <= LAST_DAY else None
    return None


def date_range(args: Mapping[str, str], invalid: list[str]) -> dict[str, dt.date | None]:
    """`date_from` / `date_to` as dates; names that could not be read are appended to `invalid`."""
    dates: dict[str, dt.date | None] = {}
    for name in DATE_ARGS:
        text = (args.get(name) or "").strip()
        dates[name] = parse_day(text)
        if text and dates[name] is None:
            invalid.append(name)
    return dates


def page_links(page: Any, args: Mapping[str, str]) -> dict[str, str | None]:
    """`next_url` / `prev_url` of a cursor-paged list (None at either end), keeping its filters."""
    return {
        "next_url": url_for(".index", **args, after=page.next_cursor) if page.next_cursor else None,
        "prev_url": url_for(".index", **args, after=page.prev_cursor) if page.prev_cursor else None,
    }
