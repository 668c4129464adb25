"""Data minimisation: what Allegro sends that the desk must never keep.

The buyer's PESEL (`buyer.personalIdentity` of a checkout form) is not needed for selling, shipping or
invoicing, so it is dropped before anything is stored: the DTOs have no field for it, a record set aside
unread (its raw JSON) loses the key, and a tax id of an invoice address that is really a PESEL (a private
buyer typing it into the legacy untyped `taxId` or an `OTHER` id) is left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

DROPPED_KEYS = frozenset({"personalIdentity"})
# Tax id types whose numbers can have eleven digits of their own (Hungarian adószám): never a PESEL.
_FOREIGN_TYPES = frozenset({"HU_ADOSZAM", "CZ_ICO", "CZ_DIC", "SK_ICO", "SK_IC_DPH"})
_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
_SEPARATORS = re.compile(r"[\s-]")
T = TypeVar("T")


def is_pesel(value: str | None) -> bool:
    """True for eleven digits (spaces and dashes aside) with a valid PESEL check digit."""
    digits = _SEPARATORS.sub("", value or "")
    if len(digits) != 11 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=False))
    return (10 - total % 10) % 10 == int(digits[10])


def without_pesel(tax_ids: Iterable[T]) -> tuple[T, ...]:
    """Tax ids (objects with `type` and `value`) minus those that are a PESEL."""
    return tuple(
        tax_id for tax_id in tax_ids
        if getattr(tax_id, "type", None) in _FOREIGN_TYPES or not is_pesel(getattr(tax_id, "value", None))
    )


def scrubbed(value: Any) -> Any:
    """A copy of Allegro's JSON without the keys the desk must not keep, nor PESEL-valued tax ids."""
    if isinstance(value, Mapping):
        return {
            key: scrubbed(item) for key, item in value.items()
            if key not in DROPPED_KEYS and not (key == "taxId" and is_pesel(_text(item)))
        } if not _is_pesel_id(value) else {"type": value.get("type"), "value": None}
    if isinstance(value, list | tuple):
        return [scrubbed(item) for item in value]
    return value


def _is_pesel_id(value: Mapping) -> bool:
    return (
        set(value) >= {"type", "value"}
        and value.get("type") not in _FOREIGN_TYPES
        and is_pesel(_text(value.get("value")))
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
