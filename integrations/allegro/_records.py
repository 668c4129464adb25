"""Reading answers one record at a time: a record that cannot be read is set aside with its raw
JSON (a RejectedRecord) and the rest of the page is kept, so one odd element never costs the
others. A single-record answer that cannot be read, or that is not the record asked for, raises
UnreadableRecord carrying the same RejectedRecord."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from integrations.allegro._values import Json, text
from integrations.allegro.errors import AllegroResponseError, UnreadableRecord
from integrations.allegro.models import RejectedRecord

T = TypeVar("T")
# What reading a malformed element can raise: our own shape errors, and what the standard
# library raises on values of the wrong type (a number where a string belongs, a bad decimal).
UNREADABLE = (AllegroResponseError, ValueError, TypeError, KeyError, AttributeError, ArithmeticError)
MAX_RAW = 200_000  # characters of raw JSON kept for one record


def parse_each(
    value: Any, parse: Callable[[Json], T], kind: str
) -> tuple[tuple[T, ...], tuple[RejectedRecord, ...]]:
    """Parse every element of a JSON list; returns (readable records, rejected ones) in order."""
    if not isinstance(value, list):
        return (), ()
    good: list[T] = []
    bad: list[RejectedRecord] = []
    for element in value:
        if not isinstance(element, Mapping):
            bad.append(rejected(kind, element, "not a JSON object"))
            continue
        try:
            good.append(parse(element))
        except UNREADABLE as exc:
            bad.append(rejected(kind, element, describe(exc)))
    return tuple(good), tuple(bad)


def parse_one(body: Json, parse: Callable[[Json], T], kind: str, asked_id: str) -> T:
    """Parse a single-record answer that must be the record `asked_id`; raises UnreadableRecord."""
    try:
        record = parse(body)
    except UNREADABLE as exc:
        raise UnreadableRecord(rejected(kind, body, describe(exc), allegro_id=asked_id)) from exc
    found = getattr(record, "id", asked_id)
    if found != asked_id:
        error = f"the answer is {kind} {found!r}, not the {asked_id!r} asked for"
        raise UnreadableRecord(rejected(kind, body, error, allegro_id=asked_id))
    return record


def rejected(kind: str, element: Any, error: str, *, allegro_id: str | None = None) -> RejectedRecord:
    """A RejectedRecord of `element`; its id is read from the element when not given."""
    if allegro_id is None and isinstance(element, Mapping):
        allegro_id = text(element.get("id"))
    raw = json.dumps(element, ensure_ascii=False, default=str)
    return RejectedRecord(kind=kind, allegro_id=allegro_id, raw=raw[:MAX_RAW], error=error[:1000])


def describe(exc: BaseException) -> str:
    """The error as one line for an agent: its type and message."""
    return f"{type(exc).__name__}: {exc}"
