"""Ready-made rewrites for `tamper_next`: the kinds of bad record a real Allegro has been seen to
send (a field missing or of the wrong type, an element that is not an object, the same record
twice on a page, an answer about another record than the one asked for).

Each function returns a rewrite: a function from an answer's JSON to the JSON to send instead.
`where` names the list of a list answer ("checkoutForms", "issues", "ratings", "events") and
`index` one of its elements; without `where` the rewrite applies to a single-record answer.
"""
from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

Rewrite = Callable[[Any], Any]


def set_field(path: str, value: Any, *, where: str | None = None, index: int = 0) -> Rewrite:
    """Set the dotted `path` of the record to `value` (creating objects on the way; a number in
    the path is a list index)."""

    def rewrite(body: Any) -> Any:
        body = copy.deepcopy(body)
        record = _record(body, where, index)
        *parents, last = path.split(".")
        for name in parents:
            record = record[int(name)] if isinstance(record, list) else record.setdefault(name, {})
        record[_key(record, last)] = value
        return body

    return rewrite


def drop_field(path: str, *, where: str | None = None, index: int = 0) -> Rewrite:
    """Remove the dotted `path` from the record."""

    def rewrite(body: Any) -> Any:
        body = copy.deepcopy(body)
        record = _record(body, where, index)
        *parents, last = path.split(".")
        for name in parents:
            record = record[_key(record, name)]
        if isinstance(record, list):
            del record[int(last)]
        else:
            record.pop(last, None)
        return body

    return rewrite


def duplicate(where: str, *, index: int = 0) -> Rewrite:
    """Serve the element at `index` twice on the page (appended at the end)."""

    def rewrite(body: Any) -> Any:
        body = copy.deepcopy(body)
        body[where].append(copy.deepcopy(body[where][index]))
        return body

    return rewrite


def append_raw(where: str, element: Any) -> Rewrite:
    """Append `element` as it is (a string, a number, an object of the wrong shape) to the list."""

    def rewrite(body: Any) -> Any:
        body = copy.deepcopy(body)
        body[where].append(element)
        return body

    return rewrite


def _key(container: Any, name: str) -> Any:
    """A path step: a list index for a list, a key for an object ("lineItems.0.offer.id")."""
    return int(name) if isinstance(container, list) else name


def _record(body: Any, where: str | None, index: int) -> dict:
    return body if where is None else body[where][index]
