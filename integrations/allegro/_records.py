"""Reading answers: fast, then lenient, then one record at a time.

An answer is first decoded by msgspec straight into DTOs (the `_wire*.py` readers). Those read
only the shape Allegro normally sends; when an answer has any other shape they miss (raise one of
FAST_MISSES), and the answer is read again from its JSON object by the lenient parsers
(`_parse*.py`), which decide what an odd value means. There a list is read one element at a time:
a record that cannot be read is set aside with its raw JSON (a RejectedRecord) and the rest of the
page is kept, so one odd element never costs the others. A single-record answer that cannot be
read, or that is not the record asked for, raises UnreadableRecord carrying the same RejectedRecord.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import msgspec
import requests

from integrations.allegro._http import json_object
from integrations.allegro._minimise import scrubbed
from integrations.allegro._values import Json, text
from integrations.allegro.errors import AllegroResponseError, UnreadableRecord
from integrations.allegro.models import RejectedRecord

T = TypeVar("T")
W = TypeVar("W")


class Unusual(Exception):  # noqa: N818 (a signal between readers, never raised to callers)
    """A fast reader met a value whose meaning the lenient parser decides (an empty object, an
    empty id, a time not in UTC); the record is read again by the lenient parser."""


# What makes a fast reader hand an answer (or one record) to the lenient parser: JSON that is
# not the usual shape (msgspec.ValidationError is a DecodeError), or an Unusual value in it.
FAST_MISSES = (msgspec.DecodeError, Unusual)
# What reading a malformed element can raise: our own shape errors, and what the standard
# library raises on values of the wrong type (a number where a string belongs, a bad decimal).
UNREADABLE = (AllegroResponseError, ValueError, TypeError, KeyError, AttributeError, ArithmeticError)
MAX_RAW = 200_000  # characters of raw JSON kept for one record


def read_json(response: requests.Response, fast: Callable[[bytes], T], lenient: Callable[[Json], T]) -> T:
    """The answer read by `fast` from its bytes; when that misses, by `lenient` from its JSON object."""
    try:
        return fast(response.content)
    except FAST_MISSES:
        return lenient(json_object(response))


def read_one(
    response: requests.Response,
    fast: Callable[[bytes], T],
    parse: Callable[[Json], T],
    kind: str,
    asked_id: str,
) -> T:
    """A single-record answer that must be the record `asked_id` (see parse_one); `fast` first."""
    try:
        record = fast(response.content)
    except FAST_MISSES:
        pass
    else:
        if getattr(record, "id", asked_id) == asked_id:
            return record
    return parse_one(json_object(response), parse, kind, asked_id)


def fast_or_lenient(
    wire: type[W], convert: Callable[[W], T], lenient: Callable[[Json], T]
) -> Callable[[Json], T]:
    """A parser of one record's JSON object: msgspec into `wire` and `convert`, else `lenient`
    (the element parser of a page read again by its lenient parser)."""

    def parse(data: Json) -> T:
        try:
            return convert(msgspec.convert(data, wire))
        except FAST_MISSES:
            return lenient(data)

    return parse


def utc(value: dt.datetime | None) -> dt.datetime | None:
    """A decoded time, when it is already UTC (or absent); any other is the lenient parser's."""
    if value is None or value.tzinfo is dt.UTC:
        return value
    raise Unusual


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
    # the raw JSON is stored for the sync page: without what the desk must never keep (PESEL)
    raw = json.dumps(scrubbed(element), ensure_ascii=False, default=str)
    return RejectedRecord(kind=kind, allegro_id=allegro_id, raw=raw[:MAX_RAW], error=error[:1000])


def describe(exc: BaseException) -> str:
    """The error as one line for an agent: its type and message."""
    return f"{type(exc).__name__}: {exc}"
