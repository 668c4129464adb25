"""Our neutral requests in ShipX's wire shape (digest §1.3, §1.10), and ShipX field paths back to ours.

Dimensions go in millimetres with `unit: "mm"`, weight in kilograms (`unit: "kg"`); COD and insurance
are decimal PLN strings, not grosze.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from integrations.carriers.addresses import split_street
from integrations.carriers.base import Address, ParcelSpec, PickupRequest, ShipmentRequest
from integrations.carriers.checks import normalize_phone
from integrations.carriers.inpost.services import TEMPLATE_SERVICES


def _phone(value: str) -> str:
    """Nine digits, as ShipX wants them; an unparsable value goes as given (the carrier says why)."""
    try:
        return normalize_phone(value) if value.strip() else ""
    except ValueError:
        return value


def address_body(address: Address) -> dict[str, Any]:
    """A ShipX address object."""
    street, building, flat = split_street(address)
    number = f"{building}/{flat}" if building and flat else building
    return {
        "street": street,
        "building_number": number,
        "city": address.city,
        "post_code": address.postcode,
        "country_code": address.country,
    }


def party_body(address: Address) -> dict[str, Any]:
    """A ShipX sender/receiver: first/last name split on the last space, company apart."""
    first, _, last = address.name.strip().rpartition(" ")
    if not first:  # one word: ShipX still wants both parts filled for a person
        first, last = address.name.strip(), ""
    body: dict[str, Any] = {
        "first_name": first,
        "last_name": last,
        "email": address.email,
        "phone": _phone(address.phone),
        "address": address_body(address),
    }
    if address.company:
        body["company_name"] = address.company
    return {key: value for key, value in body.items() if value != ""}


def parcel_body(index: int, parcel: ParcelSpec, *, templated: bool) -> dict[str, Any]:
    """A template for services priced by template when one is given, dimensions and weight otherwise."""
    body: dict[str, Any] = {"id": str(index + 1)}
    if templated and parcel.template:
        body["template"] = parcel.template
    else:
        body["dimensions"] = {
            "length": parcel.length_mm,
            "width": parcel.width_mm,
            "height": parcel.height_mm,
            "unit": "mm",
        }
    if not (templated and parcel.template):
        body["weight"] = {"amount": str(Decimal(parcel.weight_g) / 1000), "unit": "kg"}
    if parcel.non_standard:
        body["is_non_standard"] = True
    return body


def shipment_body(request: ShipmentRequest) -> dict[str, Any]:
    """The body of POST /v1/organizations/{org}/shipments; the desk's idempotency key travels as
    external_customer_id so that find_shipment() can look for it."""
    templated = request.service in TEMPLATE_SERVICES
    attributes: dict[str, str] = {}
    if request.target_point:
        attributes["target_point"] = request.target_point
    if request.dropoff_point:
        attributes["dropoff_point"] = request.dropoff_point
    # the seller drops at a locker when they named one (C2C always starts in a locker); otherwise a
    # courier collects through a dispatch order
    dropped = bool(request.dropoff_point) or request.service.endswith("c2c")
    attributes["sending_method"] = "parcel_locker" if dropped else "dispatch_order"
    body: dict[str, Any] = {
        "service": request.service,
        "sender": party_body(request.sender),
        "receiver": party_body(request.receiver),
        "parcels": [parcel_body(i, p, templated=templated) for i, p in enumerate(request.parcels)],
        "custom_attributes": attributes,
        "external_customer_id": request.idempotency_key,
    }
    if request.reference:
        body["reference"] = request.reference
    if request.label_text:
        body["comments"] = request.label_text
    if request.cod is not None:
        body["cod"] = {"amount": str(request.cod.amount), "currency": request.cod.currency}
    if request.insurance is not None:
        body["insurance"] = {"amount": str(request.insurance), "currency": "PLN"}
    if request.additional_services:
        body["additional_services"] = list(request.additional_services)
    return body


def dispatch_order_body(request: PickupRequest) -> dict[str, Any]:
    """The body of POST /v1/organizations/{org}/dispatch_orders (digest §1.10)."""
    body: dict[str, Any] = {
        "shipments": list(request.shipment_ids),
        "address": address_body(request.address),
        "name": request.address.company or request.address.name,
        "phone": _phone(request.address.phone),
        "email": request.address.email,
    }
    if request.comment:
        body["comment"] = request.comment
    return {key: value for key, value in body.items() if value != ""}


# -- ShipX field paths back to the request's dotted paths ------------------------------------------

_PARTY_FIELDS = {
    "first_name": "name",
    "last_name": "name",
    "company_name": "company",
    "name": "name",
    "email": "email",
    "phone": "phone",
    "address.street": "street",
    "address.building_number": "street",  # we send the number split off the street
    "address.city": "city",
    "address.post_code": "postcode",
    "address.country_code": "country",
}
_TOP_FIELDS = {
    "custom_attributes.target_point": "target_point",
    "custom_attributes.dropoff_point": "dropoff_point",
    "cod.amount": "cod.amount",
    "cod": "cod.amount",
    "insurance.amount": "insurance",
    "insurance": "insurance",
    "external_customer_id": "idempotency_key",
    "comments": "label_text",
}
_PARCEL = re.compile(r"^parcels\[(?P<index>\d+)\]\.(?P<rest>.+)$")


def request_field(wire_path: str) -> str:
    """Our dotted path for a ShipX field path ("receiver.address.post_code" -> "receiver.postcode");
    a path we do not know is returned unchanged."""
    party, _, rest = wire_path.partition(".")
    if party in ("sender", "receiver") and rest in _PARTY_FIELDS:
        return f"{party}.{_PARTY_FIELDS[rest]}"
    if wire_path in _TOP_FIELDS:
        return _TOP_FIELDS[wire_path]
    match = _PARCEL.match(wire_path)
    if match:
        rest = match["rest"].split(".")[0]
        name = {"weight": "weight_g", "dimensions": "dimensions", "template": "template"}.get(rest, rest)
        return f"parcels[{match['index']}].{name}"
    return wire_path
