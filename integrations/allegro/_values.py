"""Readers of JSON values that forgive absence and null (the primitives of `_parse.py`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from integrations.allegro.errors import AllegroResponseError
from integrations.allegro.models import Price

Json = Mapping[str, Any]
_EMPTY: Json = {}


def obj(value: Any) -> Json:
    """The value if it is a JSON object, else an empty mapping (absent and null look alike)."""
    return value if isinstance(value, Mapping) else _EMPTY


def items(value: Any) -> list[Json]:
    """The JSON objects of a list; anything else yields an empty list."""
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def text(value: Any) -> str | None:
    """A string field; numbers are accepted because some ids arrive as numbers in the wild."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def required_text(data: Json, key: str, where: str) -> str:
    """A string the spec requires; its absence means the answer is not what we asked for."""
    value = text(data.get(key))
    if not value:
        raise AllegroResponseError(f"{where}: missing required field {key!r}")
    return value


def timestamp(value: Any) -> dt.datetime | None:
    """An ISO-8601 date-time as tz-aware UTC; a naive value is taken as UTC; junk becomes None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def date(value: Any) -> dt.date | None:
    """A YYYY-MM-DD date (a date-time is cut to its date)."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def integer(value: Any) -> int | None:
    """An integer field (the spec types some counts as `number`)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def boolean(value: Any) -> bool | None:
    """A JSON boolean, or None."""
    return value if isinstance(value, bool) else None


def price(value: Any) -> Price | None:
    """A `{amount, currency}` object; amounts are decimal strings, never floats."""
    data = obj(value)
    amount, currency = data.get("amount"), text(data.get("currency"))
    if amount is None or currency is None:
        return None
    try:
        # str() keeps a stray JSON number exact to its printed digits instead of binary float noise
        return Price(Decimal(str(amount)), currency)
    except InvalidOperation as exc:
        raise AllegroResponseError(f"unreadable amount {amount!r}") from exc


def required_price(value: Any, where: str) -> Price:
    """A Price the spec requires."""
    found = price(value)
    if found is None:
        raise AllegroResponseError(f"{where}: missing required price")
    return found
