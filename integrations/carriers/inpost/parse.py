"""ShipX answers as our DTOs, and ShipX's error dialect (digest §1.12) as the error tree.

Errors: `{status, error, message, details}`; 400 `validation_failed` carries per-field code lists
(possibly nested: `{"receiver": [{"phone": ["invalid"]}]}` or `{"receiver": {"phone": [...]}}`), which
become FieldProblems named with the request's dotted paths.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import requests

from integrations.carriers import status
from integrations.carriers.base import (
    CarrierShipment,
    Pickup,
    Point,
    PointKind,
    ShipmentState,
    TrackingEvent,
)
from integrations.carriers.errors import (
    CarrierError,
    CarrierNotFound,
    CarrierRefused,
    CarrierResponseError,
    CarrierValidationError,
    FieldProblem,
    NotCancellable,
)
from integrations.carriers.inpost.services import CARRIER
from integrations.carriers.inpost.wire import request_field

PENDING_STATUSES = frozenset({"created", "offers_prepared", "offer_selected"})

# ShipX's per-field codes onto checks.CODES; `invalid`/`invalid_format` depend on the field
_CODES = {"required": "required", "too_short": "too_short", "too_long": "too_long", "blank": "required"}
_INVALID_BY_FIELD = (
    ("phone", "phone_invalid"),
    ("email", "email_invalid"),
    ("postcode", "postcode_format"),
    ("country", "country_unsupported"),
    ("target_point", "point_required"),
    ("dropoff_point", "point_required"),
    ("cod", "cod_invalid"),
    ("insurance", "insurance_invalid"),
    ("template", "template_unknown"),
    ("weight_g", "too_heavy"),
    ("dimensions", "too_big"),
    ("service", "service_unknown"),
    ("additional_services", "additional_service_unknown"),
)


def body_of(response: requests.Response) -> dict[str, Any]:
    """The JSON object of an answer, or CarrierResponseError."""
    try:
        body = response.json()
    except ValueError as exc:
        raise CarrierResponseError(
            f"not JSON (HTTP {response.status_code})", carrier=CARRIER, raw=response.text[:500]
        ) from exc
    if not isinstance(body, dict):
        raise CarrierResponseError("not a JSON object", carrier=CARRIER, raw=body)
    return body


# -- errors --------------------------------------------------------------------------------------


def flatten_details(details: Any, prefix: str = "") -> list[tuple[str, str]]:
    """(wire path, code) pairs of a `details` object, whatever its nesting; list positions count only
    under `parcels` (other one-element lists are ShipX's wrapping)."""
    found: list[tuple[str, str]] = []
    if isinstance(details, dict):
        for key, value in details.items():
            found += flatten_details(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(details, list):
        for index, item in enumerate(details):
            if isinstance(item, str):
                found.append((prefix, item))
            elif prefix.endswith("parcels"):
                found += flatten_details(item, f"{prefix}[{index}]")
            else:
                found += flatten_details(item, prefix)
    elif isinstance(details, str):
        found.append((prefix, details))
    return found


def field_problem(wire_path: str, carrier_code: str) -> FieldProblem:
    """One ShipX field code as a FieldProblem on our dotted path (the raw code kept in params)."""
    field = request_field(wire_path)
    code = _CODES.get(carrier_code)
    if code is None:
        leaf = field.split(".")[-1]
        code = next((ours for name, ours in _INVALID_BY_FIELD if name in (leaf, field)), carrier_code)
    return FieldProblem(
        field=field,
        code=code,
        message=f"InPost: {carrier_code}",
        params={"carrier_code": carrier_code, "carrier_field": wire_path},
    )


def validation_error(body: dict[str, Any]) -> CarrierValidationError:
    """400 validation_failed (or invalid_parameter) with its details as FieldProblems."""
    pairs = flatten_details(body.get("details") or {})
    problems = [field_problem(path or "request", code) for path, code in pairs]
    if not problems:
        problems = [FieldProblem("request", str(body.get("error")), str(body.get("message", "")))]
    return CarrierValidationError(problems, carrier=CARRIER, raw=body)


def error_of(response: requests.Response, *, action: str = "") -> CarrierError:
    """The error tree's reading of a ShipX 4xx that transport.call left to us. `action` says what
    was attempted ("cancel", "label", "buy"...) since `invalid_action` means "not now" for each."""
    try:
        body = body_of(response)
    except CarrierResponseError as exc:
        exc.args = (f"HTTP {response.status_code}: {exc}",)
        return exc
    key = str(body.get("error", ""))
    text = f"{key}: {body.get('message', '')}"
    if key == "validation_failed" or (key == "invalid_parameter" and body.get("details")):
        return validation_error(body)
    if response.status_code == 404 or key == "resource_not_found":
        return CarrierNotFound(text, carrier=CARRIER, raw=body)
    if key == "invalid_action" and action == "cancel":
        return NotCancellable(text, carrier=CARRIER, raw=body)
    return CarrierRefused(text, carrier=CARRIER, raw=body)


# -- shipments -----------------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(str(value))
    except InvalidOperation:
        return None


def _price(body: dict[str, Any]) -> Decimal | None:
    """The selected (or first available) offer's rate; debit clients get `rate: null` (digest §1.2)."""
    offers = body.get("offers") or []
    selected = body.get("selected_offer") or next(
        (offer for offer in offers if offer.get("status") in ("available", "selected", "bought")), None
    )
    return _decimal((selected or {}).get("rate"))


def _failure(body: dict[str, Any]) -> tuple[str, ...]:
    """Reasons when processing ended without a way forward: a failed purchase transaction, or
    offers that are all unavailable (field names of the reasons are assumed)."""
    reasons = [
        str((tx.get("details") or {}).get("message") or (tx.get("details") or {}).get("error") or "failure")
        for tx in body.get("transactions") or []
        if tx.get("status") == "failure"
    ]
    offers = body.get("offers") or []
    stuck = body.get("status") == "offers_prepared" and offers
    if stuck and all(offer.get("status") == "unavailable" for offer in offers):
        for offer in offers:
            reasons += [
                str(r.get("message") or r.get("key")) for r in offer.get("unavailability_reasons") or []
            ] or ["no offer available"]
    return tuple(reasons)


def shipment_state(raw_status: str, errors: tuple[str, ...] = ()) -> ShipmentState:
    """ShipX status -> where the order stands: before the purchase it is pending, from `confirmed`
    on (every tracking status included) the waybill exists."""
    if raw_status == "canceled":
        return ShipmentState.CANCELLED
    if errors:
        return ShipmentState.FAILED
    if raw_status in PENDING_STATUSES or not raw_status:
        return ShipmentState.PENDING
    return ShipmentState.CONFIRMED


def shipment(body: dict[str, Any]) -> CarrierShipment:
    """A ShipX shipment resource as a CarrierShipment."""
    if "id" not in body:
        raise CarrierResponseError("shipment without id", carrier=CARRIER, raw=body)
    raw = str(body.get("status") or "")
    errors = _failure(body)
    waybills = [str(body["tracking_number"])] if body.get("tracking_number") else []
    for parcel in body.get("parcels") or []:
        number = parcel.get("tracking_number")
        if number and str(number) not in waybills:
            waybills.append(str(number))
    return CarrierShipment(
        carrier=CARRIER,
        shipment_id=str(body["id"]),
        state=shipment_state(raw, errors),
        waybills=tuple(waybills),
        service=str(body.get("service") or ""),
        reference=str(body.get("reference") or ""),
        raw_status=raw,
        price=_price(body),
        errors=errors,
    )


def available_offer(body: dict[str, Any]) -> str | None:
    """The id of the cheapest available offer (rate null counts as zero), or None."""
    offers = [offer for offer in body.get("offers") or [] if offer.get("status") == "available"]
    if not offers:
        return None
    best = min(offers, key=lambda offer: _decimal(offer.get("rate")) or Decimal(0))
    return str(best["id"])


# -- tracking, points, dispatch orders -----------------------------------------------------------


def timestamp(value: Any) -> dt.datetime:
    """An ISO 8601 time from ShipX; a naive one is read as UTC."""
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise CarrierResponseError(f"bad time {value!r}", carrier=CARRIER) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def tracking_events(body: dict[str, Any]) -> tuple[TrackingEvent, ...]:
    """The tracking details sorted by time (ShipX's order is not promised, digest §1.9)."""
    number = str(body.get("tracking_number") or "")
    events = []
    for detail in body.get("tracking_details") or []:
        code = str(detail.get("status") or "")
        state, known = status.map_code(CARRIER, code)
        events.append(
            TrackingEvent(
                code=code,
                text=str(detail.get("origin_status") or code),
                at=timestamp(detail.get("datetime")),
                state=state,
                known=known,
                location=str(detail.get("location") or detail.get("agency") or ""),
                waybill=number,
            )
        )
    # ShipX lists newest first in practice; reversing such a list first keeps events of the same
    # second in their real order through the (stable) sort
    if all(a.at >= b.at for a, b in zip(events, events[1:], strict=False)):
        events.reverse()
    return tuple(sorted(events, key=lambda event: event.at))


def point(body: dict[str, Any]) -> Point:
    """A ShipX point: lockers (`parcel_locker*`) or PaczkoPunkty (`pop`)."""
    types = body.get("type") or []
    details = body.get("address_details") or {}
    location = body.get("location") or {}
    functions = set(body.get("functions") or [])
    street = " ".join(str(part) for part in (details.get("street"), details.get("building_number")) if part)
    return Point(
        carrier=CARRIER,
        point_id=str(body.get("name") or ""),
        kind=PointKind.LOCKER
        if any(t.startswith("parcel_locker") for t in types)
        else PointKind.PICKUP_POINT,
        name=str(body.get("name") or ""),
        street=street,
        city=str(details.get("city") or ""),
        postcode=str(details.get("post_code") or ""),
        latitude=location.get("latitude"),
        longitude=location.get("longitude"),
        opening_hours=str(body.get("opening_hours") or ""),
        description=str(body.get("location_description") or ""),
        can_send="parcel_send" in functions or not functions,
        can_collect="parcel_collect" in functions or not functions,
        cod=bool(body.get("payment_available")),
    )


def pickup(body: dict[str, Any]) -> Pickup:
    """A dispatch order: ShipX confirms no time window, so `window` stays None."""
    if "id" not in body:
        raise CarrierResponseError("dispatch order without id", carrier=CARRIER, raw=body)
    return Pickup(carrier=CARRIER, pickup_id=str(body["id"]), state=str(body.get("status") or "new"))
