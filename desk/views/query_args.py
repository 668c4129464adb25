"""List filters from the query string and the links between a list's pages, shared by the lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask import url_for

DATE_ARGS = ("date_from", "date_to")


def parse_day(text: str) -> dt.date | None:
    """A day as date inputs send it (2024-05-31) or as Poles type it (31.05.2024)."""
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
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
