"""The fields of a batch row: which of the carrier's problems the batch page corrects and next to which
of its fields each one stands, and how the problems are kept with the row.

The retry form has three groups: the receiver (with the pickup point), the parcel (a preset, or sides
and weight) and the service (of the same carrier). The receiver is always offered; the parcel and the
service only where the row's problems name them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from integrations.carriers import FieldProblem

RECEIVER = (
    "receiver_name",
    "receiver_street",
    "receiver_postcode",
    "receiver_city",
    "receiver_phone",
    "receiver_email",
    "target_point",
)
PARCEL = ("preset", "length_cm", "width_cm", "height_cm", "weight_kg", "template")
SERVICE = ("service",)
FIXABLE = RECEIVER + PARCEL + SERVICE
GROUPS = {"receiver": RECEIVER, "parcel": PARCEL, "service": SERVICE}
GENERAL = "_"  # a problem the form has no field for
_PARCEL_PATH = re.compile(r"^parcels(\[\d+\])?(\.|$)")
# the service is what is wrong: it does not exist, or it takes no cash on delivery
_SERVICE_PATHS = ("service", "cod")


def form_field(path: str) -> str:
    """The retry form's field a carrier's problem with `path` stands next to; GENERAL when none."""
    if path in _SERVICE_PATHS:
        return "service"
    if _PARCEL_PATH.match(path):
        return {".weight_g": "weight_kg", ".template": "template"}.get(path[path.rfind(".") :], "length_cm")
    name = path.replace(".", "_")
    return name if name in RECEIVER else GENERAL


def fixable_field(path: str) -> bool:
    """Whether a carrier's problem with the field `path` ("receiver.postcode") is one the batch page's
    retry form corrects."""
    return form_field(path) != GENERAL


def groups_of(names: Iterable[str]) -> set[str]:
    """The form's groups that hold any of these fields (the receiver always)."""
    named = set(names)
    return {"receiver"} | {group for group, fields in GROUPS.items() if named & set(fields)}


def problems_json(problems: Iterable[FieldProblem]) -> list[dict] | None:
    """The carrier's problems as a row keeps them (None: none)."""
    return [
        {"field": p.field, "code": p.code, "message": p.message, "params": dict(p.params or {})}
        for p in problems
    ] or None
