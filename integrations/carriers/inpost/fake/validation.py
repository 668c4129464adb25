"""The fake's checks of a create-shipment body, answered as ShipX does: 400 `validation_failed` with
`details` nested like the body (`{"receiver": [{"phone": ["invalid"]}]}`; parcels by position).

The per-field codes (`required`, `invalid`, `too_short`, `too_long`, `does_not_exist`, `too_big`,
`too_heavy`) follow the docs' examples; which code ShipX uses for each case is assumed.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from integrations.carriers.inpost.services import (
    C2C_TEMPLATES,
    COURIER_C2C,
    LOCKER_SERVICES,
    LOCKER_TEMPLATES,
    SERVICES,
    TEMPLATE_MAX_G,
    template_fits,
)

SERVICE_CODES = frozenset(service.code for service in SERVICES)
POSTCODE = re.compile(r"^\d{2}-\d{3}$")
PHONE = re.compile(r"^\d{9}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
COD_MAX = Decimal("5000")

Details = dict[str, Any]


def _party(party: Any, *, locker: bool, required: bool) -> Details:
    """Problems of a sender/receiver object (empty dict when fine)."""
    if not isinstance(party, dict):
        return {"_": ["required"]} if required else {}
    found: Details = {}
    if (locker or required) and not PHONE.match(str(party.get("phone", ""))):
        found["phone"] = ["required" if not party.get("phone") else "invalid"]
    if locker and not EMAIL.match(str(party.get("email", ""))):
        found["email"] = ["required" if not party.get("email") else "invalid"]
    if not locker:
        if not (party.get("company_name") or party.get("first_name")):
            found["first_name"] = ["required"]
        address = party.get("address") or {}
        problems = {
            key: ["required"]
            for key in ("street", "building_number", "city")
            if not str(address.get(key, "")).strip()
        }
        if not POSTCODE.match(str(address.get("post_code", ""))):
            problems["post_code"] = ["invalid" if address.get("post_code") else "required"]
        if problems:
            found["address"] = [problems]
    return found


def _parcel(parcel: dict[str, Any], service: str) -> Details:
    locker = service in LOCKER_SERVICES
    templates = C2C_TEMPLATES if service == COURIER_C2C else LOCKER_TEMPLATES
    template = parcel.get("template")
    if template:
        if not (locker or service == COURIER_C2C) or template not in templates:
            return {"template": ["invalid"]}
        return {}
    dims = parcel.get("dimensions") or {}
    try:
        sides = tuple(sorted((int(dims["length"]), int(dims["width"]), int(dims["height"])), reverse=True))
        grams = Decimal(str((parcel.get("weight") or {})["amount"])) * 1000
    except (KeyError, ValueError, TypeError, InvalidOperation):
        return {"dimensions": ["required"]}
    if (locker or service == COURIER_C2C) and not any(template_fits(t, sides) for t in templates):  # type: ignore[arg-type]
        return {"dimensions": ["too_big"]}
    if (locker or service == COURIER_C2C) and grams > TEMPLATE_MAX_G:
        return {"weight": ["too_heavy"]}
    return {}


def _parcels(body: dict[str, Any], service: str) -> list[Any] | None:
    parcels = body.get("parcels")
    if not isinstance(parcels, list) or not parcels:
        return ["required"]
    if service in LOCKER_SERVICES and len(parcels) > 1:
        return ["too_many"]
    found = [_parcel(parcel if isinstance(parcel, dict) else {}, service) for parcel in parcels]
    return found if any(found) else None


def _money(body: dict[str, Any], name: str, cap: Decimal | None) -> list[Any] | None:
    value = body.get(name)
    if value is None:
        return None
    try:
        amount = Decimal(str(value["amount"]))
    except (KeyError, TypeError, InvalidOperation):
        return [{"amount": ["invalid"]}]
    if amount <= 0 or (cap is not None and amount > cap):
        return [{"amount": ["invalid"]}]
    return None


def shipment_details(body: dict[str, Any], known_point: Any) -> Details:
    """Every problem of a create body; `known_point(name)` says whether a point exists."""
    details: Details = {}
    service = str(body.get("service") or "")
    if service not in SERVICE_CODES:
        return {"service": ["invalid" if service else "required"]}
    locker = service in LOCKER_SERVICES
    receiver = _party(body.get("receiver"), locker=locker, required=True)
    if receiver:
        details["receiver"] = [receiver]
    if body.get("sender") is not None and (sender := _party(body["sender"], locker=False, required=False)):
        details["sender"] = [sender]
    if (parcels := _parcels(body, service)) is not None:
        details["parcels"] = parcels
    point = str((body.get("custom_attributes") or {}).get("target_point") or "")
    if locker and not point:
        details["custom_attributes"] = [{"target_point": ["required"]}]
    elif locker and not known_point(point):
        details["custom_attributes"] = [{"target_point": ["does_not_exist"]}]
    reference = body.get("reference")
    if reference is not None and not 3 <= len(str(reference)) <= 100:
        details["reference"] = ["too_short" if len(str(reference)) < 3 else "too_long"]
    for name, cap in (("cod", COD_MAX), ("insurance", None)):
        if (problem := _money(body, name, cap)) is not None:
            details[name] = problem
    return details
