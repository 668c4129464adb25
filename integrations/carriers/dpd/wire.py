"""The desk's request in DPD's words (digest §2.5, §2.9): postcodes digits only, the street and number
on one line, sizes in whole centimetres, weight in kilograms, COD and declared value in decimal PLN."""

from __future__ import annotations

import math
from typing import Any

from integrations.carriers.addresses import WARSAW, one_line, postcode_digits
from integrations.carriers.base import Address, ParcelSpec, PickupRequest, ShipmentRequest
from integrations.carriers.checks import normalize_phone
from integrations.carriers.dpd.services import ADDITIONAL

CURRENCY = "PLN"


def phone(value: str) -> str | None:
    """The national number, or the raw text when it cannot be read (validation caught the bad ones)."""
    if not value.strip():
        return None
    try:
        return normalize_phone(value)
    except ValueError:
        return value.strip()


def address(value: Address, *, fid: int | None = None) -> dict[str, Any]:
    """packageAddressOpenUMLFeV1."""
    return {
        "address": one_line(value),
        "city": value.city.strip(),
        "company": value.company.strip() or None,
        "countryCode": value.country,
        "email": value.email.strip() or None,
        "fid": fid,
        "name": value.name.strip() or None,
        "phone": phone(value.phone),
        "postalCode": postcode_digits(value.postcode),
    }


def centimetres(mm: int) -> int:
    """Whole centimetres, rounded up: DPD re-measures, so never declare less than the parcel is."""
    return max(1, math.ceil(mm / 10))


def parcel(spec: ParcelSpec) -> dict[str, Any]:
    """parcelOpenUMLFeV1."""
    return {
        "content": spec.content.strip() or None,
        "sizeX": centimetres(spec.length_mm),
        "sizeY": centimetres(spec.width_mm),
        "sizeZ": centimetres(spec.height_mm),
        "weight": round(spec.weight_g / 1000, 3),
    }


def services(request: ShipmentRequest) -> dict[str, Any] | None:
    """servicesOpenUMLFeV4: COD, declared value, the Pickup point and the flag/guarantee services."""
    found: dict[str, Any] = {}
    if request.cod is not None:
        found["cod"] = {"amount": request.cod.amount, "currency": CURRENCY}
    if request.insurance:
        found["declaredValue"] = {"amount": request.insurance, "currency": CURRENCY}
    if request.target_point.strip():
        found["dpdPickup"] = {"pudo": request.target_point.strip()}
    for code in request.additional_services:
        kind, value = ADDITIONAL[code]
        if kind == "flag":
            found[value] = {}
        else:
            found["guarantee"] = {"type": value}
    return found or None


def package(request: ShipmentRequest, *, fid: int) -> dict[str, Any]:
    """packageOpenUMLFeV3: the idempotency key is the package `reference` (DPD's search key, so a
    second create with it is refused as DUPLICATED_PACKAGE_SEARCH_KEY); the desk's own reference (the
    order number) goes to ref1."""
    return {
        "parcels": [parcel(spec) for spec in request.parcels],
        "payerType": "SENDER",
        "receiver": address(request.receiver),
        "ref1": request.reference.strip() or None,
        "reference": request.idempotency_key,
        "sender": address(request.sender, fid=fid),
        "services": services(request),
    }


def pickup_params(request: PickupRequest, *, fid: int) -> dict[str, Any]:
    """dpdPickupParamsV3 for an INSERT (a new courier call) in the simplified form."""
    sender = request.address
    start, end = (moment.astimezone(WARSAW) for moment in (request.window.start, request.window.end))
    weight_kg = round(request.total_weight_g / 1000, 3) if request.total_weight_g else 1.0
    return {
        "operationType": "INSERT",
        "orderType": "DOMESTIC",
        "pickupCallSimplifiedDetails": {
            "packagesParams": {
                "dox": False,
                "pallet": False,
                "parcelsCount": max(1, request.parcel_count),
                "parcelsWeight": weight_kg,
                "parcelMaxWeight": weight_kg,
                "standardParcel": True,
            },
            "pickupCustomer": {
                "customerFullName": (sender.company or sender.name)[:100],
                "customerName": sender.name[:100],
                "customerPhone": phone(sender.phone),
            },
            "pickupPayer": {"payerName": (sender.company or sender.name)[:100], "payerNumber": fid},
            "pickupSender": {
                "senderAddress": one_line(sender),
                "senderCity": sender.city,
                "senderFullName": (sender.company or sender.name)[:100],
                "senderName": sender.name[:100],
                "senderPhone": phone(sender.phone) or "",
                "senderPostalCode": postcode_digits(sender.postcode),
            },
        },
        "pickupDate": start.date().isoformat(),
        "pickupTimeFrom": start.strftime("%H:%M"),
        "pickupTimeTo": end.strftime("%H:%M"),
        "updateMode": "DONT_CREATE_NEW_IF_CLOSED",
        "waybillsReady": True,
    }
