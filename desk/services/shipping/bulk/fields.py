"""The fields of a batch row: which of the carrier's problems the batch page corrects, and how the
problems are kept with the row."""

from __future__ import annotations

from collections.abc import Iterable

from integrations.carriers import FieldProblem

FIXABLE = (
    "receiver_name",
    "receiver_street",
    "receiver_postcode",
    "receiver_city",
    "receiver_phone",
    "receiver_email",
    "target_point",
)


def fixable_field(path: str) -> bool:
    """Whether a carrier's problem with the field `path` ("receiver.postcode") is one the batch page's
    retry form corrects."""
    return path.replace(".", "_") in FIXABLE


def problems_json(problems: Iterable[FieldProblem]) -> list[dict] | None:
    """The carrier's problems as a row keeps them (None: none)."""
    return [
        {"field": p.field, "code": p.code, "message": p.message, "params": dict(p.params or {})}
        for p in problems
    ] or None
