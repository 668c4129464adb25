"""A ShipmentRequest as stored with its shipment (JSON) and back, exactly: amounts as strings."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from integrations.carriers import Address, CashOnDelivery, CodSink, ParcelSpec, ShipmentRequest


def encode(request: ShipmentRequest) -> dict[str, Any]:
    """The request as JSON-safe values (Decimals as strings, enums as their values)."""

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, CodSink):
            return value.value
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [plain(item) for item in value]
        return value

    return plain(dataclasses.asdict(request))


def decode(data: dict[str, Any]) -> ShipmentRequest:
    """The request encode() stored."""
    cod = data.get("cod")
    insurance = data.get("insurance")
    return ShipmentRequest(
        **{
            **data,
            "sender": Address(**data["sender"]),
            "receiver": Address(**data["receiver"]),
            "parcels": tuple(ParcelSpec(**parcel) for parcel in data["parcels"]),
            "cod": None
            if cod is None
            else CashOnDelivery(
                amount=Decimal(cod["amount"]),
                sink=CodSink(cod["sink"]),
                iban=cod["iban"],
                currency=cod["currency"],
            ),
            "insurance": None if insurance is None else Decimal(insurance),
            "additional_services": tuple(data.get("additional_services") or ()),
        }
    )
