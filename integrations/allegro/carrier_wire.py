"""A ShipmentRequest as Allegro's ShipmentCreateRequestDto (units: cm, kg, PLN as "12.34")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from integrations.carriers.base import Address, LabelFormat, ParcelSpec, ShipmentRequest


def address_dto(address: Address, point: str = "") -> dict[str, Any]:
    """AddressDto (plus `point` for a sender's drop-off or a receiver's pickup point)."""
    street = f"{address.street} {address.building}".strip()
    if address.flat:
        street += f"/{address.flat}"
    dto: dict[str, Any] = {
        "street": street,
        "postalCode": address.postcode,
        "city": address.city,
        "countryCode": address.country,
        "email": address.email,
        "phone": address.phone,
    }
    if address.name:
        dto["name"] = address.name
    if address.company:
        dto["company"] = address.company
    if point:
        dto["point"] = point
    return dto


def _package(parcel: ParcelSpec, text_on_label: str) -> dict[str, Any]:
    # the spec types WeightValue.value as a number (its description says string); a number passes it
    package: dict[str, Any] = {
        "type": "PACKAGE",
        "length": {"value": parcel.length_mm / 10, "unit": "CENTIMETER"},
        "width": {"value": parcel.width_mm / 10, "unit": "CENTIMETER"},
        "height": {"value": parcel.height_mm / 10, "unit": "CENTIMETER"},
        "weight": {"value": parcel.weight_g / 1000, "unit": "KILOGRAMS"},
    }
    if text_on_label:
        package["textOnLabel"] = text_on_label
    return package


def _money(amount: Decimal) -> dict[str, str]:
    return {"amount": f"{amount.quantize(Decimal('0.01'))}", "currency": "PLN"}


def shipment_input(request: ShipmentRequest, label_format: LabelFormat) -> dict[str, Any]:
    """The `input` of a create command. The order is found by Allegro from the receiver's e-mail
    alias; `delivery_method_id` is sent only when given (deprecated, taken from the order)."""
    body: dict[str, Any] = {
        "sender": address_dto(request.sender, request.dropoff_point),
        "receiver": address_dto(request.receiver, request.target_point),
        "packages": [_package(p, request.label_text) for p in request.parcels],
        "labelFormat": "ZPL" if label_format is LabelFormat.ZPL else "PDF",
    }
    if request.delivery_method_id:
        body["deliveryMethodId"] = request.delivery_method_id
    if request.reference:
        body["referenceNumber"] = request.reference
    if request.cod is not None:
        body["cashOnDelivery"] = _money(request.cod.amount)  # no IBAN: paid into the Allegro wallet
    if request.insurance:
        body["insurance"] = _money(request.insurance)
    if request.additional_services:
        body["additionalServices"] = list(request.additional_services)
    return body
