"""DPD's answers -> the port's values; DPD's statuses -> the error tree (digest §2.6-2.11).

Rule of §2.6: anything other than OK at the session, package or parcel level is a failure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from integrations.carriers import status
from integrations.carriers.base import (
    CarrierShipment,
    Pickup,
    PickupWindow,
    Point,
    PointKind,
    ShipmentState,
    TrackingEvent,
)
from integrations.carriers.checks import problem
from integrations.carriers.dpd.wire import WARSAW
from integrations.carriers.errors import (
    CarrierAuthError,
    CarrierError,
    CarrierNotFound,
    CarrierRefused,
    CarrierResponseError,
    CarrierUnavailable,
    CarrierValidationError,
    FieldProblem,
)

CARRIER = "dpd"
OK = "OK"
DUPLICATE = "DUPLICATED_PACKAGE_SEARCH_KEY"

# DPD's field names (FieldNames, "receiver.postalCode") -> the request's dotted paths
_ADDRESS = {
    "postalCode": "postcode",
    "address": "street",
    "city": "city",
    "name": "name",
    "company": "company",
    "phone": "phone",
    "email": "email",
    "countryCode": "country",
}
_PARCEL = {"weight": "weight_g", "sizeX": "dimensions", "sizeY": "dimensions", "sizeZ": "dimensions"}
_OTHER = {
    "services.cod.amount": "cod.amount",
    "services.cod": "cod",
    "services.declaredValue.amount": "insurance",
    "services.dpdPickup.pudo": "target_point",
    "ref1": "reference",
    "reference": "idempotency_key",
}
# FieldValidationStatusPGREnumV1 -> the desk's problem codes (checks.CODES), by the kind of field
_EMPTY = ("VALUE_EMPTY", "VALUE_ZERO")
_RANGE = ("VALUE_OUT_OF_RANGE",)


def field_path(name: str, parcel_index: int | None) -> str:
    """The request's dotted path for one DPD field name (unknown names stay as DPD spelled them)."""
    name = name.strip()
    head, _, tail = name.partition(".")
    if head in ("receiver", "sender") and tail in _ADDRESS:
        return f"{head}.{_ADDRESS[tail]}"
    if head == "parcels" or parcel_index is not None:
        leaf = tail if head == "parcels" else name
        index = 0 if parcel_index is None else parcel_index
        return f"parcels[{index}].{_PARCEL.get(leaf, leaf)}"
    return _OTHER.get(name, name)


def problem_code(path: str, error: str) -> str:
    """A stable desk code for DPD's per-field error."""
    leaf = path.rsplit(".", 1)[-1]
    if error in _EMPTY:
        return "required" if leaf not in ("weight_g", "dimensions") else "dimension_invalid"
    table = {
        "postcode": "postcode_unknown" if error == "DONT_MATCH_DICTIONARY" else "postcode_format",
        "phone": "phone_invalid",
        "email": "email_invalid",
        "weight_g": "too_heavy" if error in _RANGE else "dimension_invalid",
        "dimensions": "too_long_side" if error in _RANGE else "dimension_invalid",
        "amount": "cod_above_max" if error in _RANGE else "cod_invalid",
        "insurance": "insurance_above_max" if error in _RANGE else "insurance_invalid",
        "target_point": "point_required",
        "country": "country_unsupported",
    }
    return table.get(leaf, "too_long" if error in _RANGE else "required")


def validation_problems(details: Any, parcel_index: int | None = None) -> list[FieldProblem]:
    """FieldProblems of one ValidationDetails element."""
    found = []
    for info in _items(details, "ValidationInfo"):
        names = (info.FieldNames or "").split(",") or [""]
        for name in names:
            path = field_path(name, parcel_index) if name.strip() else "request"
            found.append(
                problem(
                    path, problem_code(path, info.ErrorCode), info.Info or info.ErrorCode, dpd=info.ErrorCode
                )
            )
    return found


def _items(wrapper: Any, child: str) -> list[Any]:
    """The repeated children of a wrapper element (Packages/Package...), [] when absent."""
    if wrapper is None:
        return []
    return list(getattr(wrapper, child, None) or [])


def generation_failure(answer: Any) -> CarrierError:
    """The error of a packagesGenerationResponseV2 whose status is not OK (and not a duplicate)."""
    found: list[FieldProblem] = []
    for package in _items(answer.Packages, "Package"):
        found += validation_problems(package.ValidationDetails)
        for index, parcel in enumerate(_items(package.Parcels, "Parcel")):
            found += validation_problems(parcel.ValidationDetails, index)
    statuses = {answer.Status} | {p.Status for p in _items(answer.Packages, "Package")}
    if found:
        return CarrierValidationError(found, carrier=CARRIER, raw=str(answer))
    if "DISALLOWED_FID" in statuses:
        return CarrierAuthError("DPD refused the FID for this login", carrier=CARRIER, raw=str(answer))
    if statuses & {"DB_ERROR", "UNKNOWN_ERROR"}:
        # DPD says it failed internally; with ALL_OR_NOTHING nothing was kept
        return CarrierUnavailable(f"DPD error {sorted(statuses)}", carrier=CARRIER, raw=str(answer))
    return CarrierRefused(f"DPD refused the package: {sorted(statuses)}", carrier=CARRIER, raw=str(answer))


def generated_shipment(answer: Any, *, service: str) -> CarrierShipment | None:
    """The shipment of a create answer: OK, or a duplicate that names the package already made.
    None for a duplicate without its package id (the caller then reads it back)."""
    packages = _items(answer.Packages, "Package")
    if answer.Status not in (OK, DUPLICATE) or len(packages) != 1:
        raise generation_failure(answer)
    package = packages[0]
    if package.Status not in (OK, DUPLICATE):
        raise generation_failure(answer)
    parcels = _items(package.Parcels, "Parcel")
    if any(p.Status not in (OK, DUPLICATE) for p in parcels):
        raise generation_failure(answer)
    waybills = tuple(p.Waybill for p in parcels if p.Waybill)
    if package.PackageId is None or not waybills:
        if package.Status == DUPLICATE:
            return None
        raise CarrierResponseError("OK without a package id or waybills", carrier=CARRIER, raw=str(answer))
    return CarrierShipment(
        carrier=CARRIER,
        shipment_id=str(package.PackageId),
        state=ShipmentState.CONFIRMED,
        waybills=waybills,
        service=service,
        reference=package.Reference or "",
        raw_status=package.Status,
    )


_FOUND_STATE = {
    "REGISTERED": ShipmentState.CONFIRMED,
    "ADVISED": ShipmentState.CONFIRMED,
    "IN_PROTOCOL": ShipmentState.SENT,
}


def found_shipment(package: Any) -> CarrierShipment:
    """A packageFoundV1 of the authored read operation."""
    return CarrierShipment(
        carrier=CARRIER,
        shipment_id=str(package.packageId),
        state=_FOUND_STATE[package.state],
        waybills=tuple(package.waybills or ()),
        reference=package.reference or "",
        raw_status=package.state,
    )


def document(answer: Any, *, what: str) -> bytes:
    """documentData of a documentGenerationResponseV1, or the error its statuses say."""
    session = answer.session if answer is not None else None
    if session is None:
        raise CarrierResponseError(f"{what}: no session in the answer", carrier=CARRIER)
    statuses = [session.statusInfo.status]
    for package in session.packages or ():
        statuses.append(package.statusInfo.status)
        statuses += [parcel.statusInfo.status for parcel in package.parcels or ()]
    bad = [value for value in statuses if value != OK]
    if "NOT_FOUND" in bad:
        raise CarrierNotFound(f"{what}: package not found at DPD", carrier=CARRIER, raw=str(answer))
    if "ACCESS_DENIED_FOR_FID" in bad:
        raise CarrierAuthError(f"{what}: access denied for FID", carrier=CARRIER, raw=str(answer))
    if bad:
        raise CarrierRefused(f"{what}: {sorted(set(bad))}", carrier=CARRIER, raw=str(answer))
    if not answer.documentData:
        raise CarrierResponseError(f"{what}: OK without a document", carrier=CARRIER)
    return bytes(answer.documentData)


def pickup(answer: Any, window: PickupWindow) -> Pickup:
    """A packagesPickupCallResponseV3 of an INSERT; pickup_id keeps orderNumber and checkSum, both
    needed to change or cancel the call later."""
    pickup_status(answer)
    return Pickup(
        carrier=CARRIER,
        pickup_id=f"{answer.orderNumber}:{answer.checkSum}",
        state="ordered",
        window=window,
    )


def pickup_status(answer: Any) -> None:
    """Raise what a pickup call's statusInfo says (OK raises nothing)."""
    info = answer.statusInfo
    if info.status == OK:
        return
    details = list(info.errorDetails or ())
    text = "; ".join(f"{d.code}: {d.description}" for d in details) or info.status
    if info.status.startswith("INCORRECT_PICKUP_ADDRESS_"):
        leaf = info.status.removeprefix("INCORRECT_PICKUP_ADDRESS_").lower()
        leaf = {"postal_code": "postcode", "address": "street"}.get(leaf, leaf)
        code = problem_code(leaf, "DONT_MATCH_PATTERN")
        raise CarrierValidationError([problem(f"address.{leaf}", code, text)], carrier=CARRIER, raw=text)
    if info.status == "NOT_FOUND":
        raise CarrierNotFound(text, carrier=CARRIER, raw=text)
    if info.status == "ACCESS_DENIED_FOR_FID":
        raise CarrierAuthError(text, carrier=CARRIER, raw=text)
    raise CarrierRefused(f"{info.status}: {text}", carrier=CARRIER, raw=text)


def windows(answer: Any, day: dt.date, now: dt.datetime) -> tuple[PickupWindow, ...]:
    """Pickup windows on `day` from getCourierOrderAvailabilityV1 ranges ("HH:MM-HH:MM", offset =
    minutes before the start by which the call must be placed); windows already too late are dropped."""
    if answer is None or answer.status != OK:
        return ()
    found = []
    for item in answer.ranges or ():
        first, _, last = item.range.partition("-")
        start = dt.datetime.combine(day, dt.time.fromisoformat(first), WARSAW)
        end = dt.datetime.combine(day, dt.time.fromisoformat(last), WARSAW)
        if start - dt.timedelta(minutes=item.offset or 0) < now:
            continue
        found.append(PickupWindow(start=start, end=end))
    return tuple(found)


def events(answer: Any) -> tuple[TrackingEvent, ...]:
    """customerEventsResponseV3 -> events oldest first, each mapped through the status map."""
    found = []
    for event in (answer.eventsList if answer is not None else None) or ():
        state, known = status.map_code(CARRIER, event.businessCode)
        found.append(
            TrackingEvent(
                code=event.businessCode,
                text=event.description or "",
                at=_aware(event.eventTime),
                state=state,
                known=known,
                location=event.depotName or "",
                waybill=event.waybill,
            )
        )
    return tuple(sorted(found, key=lambda item: item.at))


def _aware(moment: dt.datetime) -> dt.datetime:
    """DPD gives Polish local time without an offset (assumed): attach Europe/Warsaw."""
    return moment.replace(tzinfo=WARSAW) if moment.tzinfo is None else moment


def points(items: Iterable[dict[str, Any]]) -> tuple[Point, ...]:
    """Points of the fake's MyPudo-like JSON (authored shape, see wsdl/README.md)."""
    found = []
    for item in items:
        try:
            found.append(
                Point(
                    carrier=CARRIER,
                    point_id=str(item["pudoId"]),
                    kind=PointKind.LOCKER if item.get("type") == "LOCKER" else PointKind.PICKUP_POINT,
                    name=str(item.get("name", "")),
                    street=str(item.get("address", "")),
                    city=str(item.get("city", "")),
                    postcode=str(item.get("zipCode", "")),
                    latitude=item.get("latitude"),
                    longitude=item.get("longitude"),
                    opening_hours=str(item.get("openingHours", "")),
                    can_send=bool(item.get("canSend", True)),
                    can_collect=bool(item.get("canCollect", True)),
                    cod=bool(item.get("cod", False)),
                )
            )
        except (KeyError, TypeError) as exc:
            raise CarrierResponseError(f"unreadable point: {exc}", carrier=CARRIER, raw=item) from exc
    return tuple(found)
