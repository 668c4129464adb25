"""ShipX's answer shapes (digest §1.6, §1.9, §1.12) built from the fake's state."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from integrations.carriers.fakekit import LabelData
from integrations.carriers.inpost.fake.processing import FakeShipment


class ShipXError(Exception):
    """An error answer: `{status, error, message, details}`."""

    def __init__(self, status: int, error: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.details = details or {}

    def response(self) -> Response:
        body = {"status": self.status, "error": self.error, "message": self.message, "details": self.details}
        response = jsonify(body)
        response.status_code = self.status
        return response


def shipment(s: FakeShipment) -> dict[str, Any]:
    """The shipment resource."""
    body = s.body
    parcels = []
    for index, parcel in enumerate(body.get("parcels") or []):
        number = s.parcel_numbers[index] if index < len(s.parcel_numbers) else None
        parcels.append({**parcel, "id": parcel.get("id") or str(index + 1), "tracking_number": number})
    return {
        "id": s.id,
        "href": f"/v1/shipments/{s.id}",
        "status": s.status,
        "tracking_number": s.tracking_number or None,
        "return_tracking_number": None,
        "service": s.service,
        "reference": body.get("reference"),
        "comments": body.get("comments"),
        "external_customer_id": body.get("external_customer_id"),
        "created_at": s.created_at.isoformat(),
        "updated_at": (s.updated_at or s.created_at).isoformat(),
        "receiver": body.get("receiver"),
        "sender": body.get("sender"),
        "parcels": parcels,
        "custom_attributes": body.get("custom_attributes") or {},
        "cod": body.get("cod"),
        "insurance": body.get("insurance"),
        "additional_services": body.get("additional_services") or [],
        "offers": s.offers,
        "selected_offer": s.selected_offer,
        "transactions": s.transactions,
    }


def tracking(s: FakeShipment) -> dict[str, Any]:
    """Public tracking: the events from `confirmed` on, newest first (as clients must not rely on)."""
    shown = s.events[next((i for i, e in enumerate(s.events) if e["status"] == "confirmed"), 0) :]
    return {
        "tracking_number": s.tracking_number,
        "type": "inpost_locker_standard" if "locker" in s.service else "inpost_courier_standard",
        "service": s.service,
        "status": s.status,
        "custom_attributes": {
            "target_machine_id": (s.body.get("custom_attributes") or {}).get("target_point")
        },
        "tracking_details": [
            {
                "status": event["status"],
                "origin_status": event["status"].upper(),
                "agency": None,
                "location": event["location"] or None,
                "datetime": event["datetime"].isoformat(),
            }
            for event in reversed(shown)
        ],
        "expected_flow": list(s.path),
        "created_at": s.created_at.isoformat(),
        "updated_at": (s.updated_at or s.created_at).isoformat(),
    }


def _lines(party: dict[str, Any] | None) -> tuple[str, ...]:
    party = party or {}
    address = party.get("address") or {}
    name = party.get("company_name") or f"{party.get('first_name', '')} {party.get('last_name', '')}".strip()
    street = f"{address.get('street', '')} {address.get('building_number', '')}".strip()
    town = f"{address.get('post_code', '')} {address.get('city', '')}".strip()
    return tuple(line for line in (name, street, town, party.get("phone", "")) if line)


def label_data(s: FakeShipment) -> list[LabelData]:
    """What each parcel's label shows."""
    body = s.body
    parcels = body.get("parcels") or [{}]
    cod = body.get("cod")
    return [
        LabelData(
            carrier="inpost",
            waybill=s.parcel_numbers[index] if index < len(s.parcel_numbers) else s.tracking_number,
            service=s.service.replace("inpost_", "").replace("_", " "),
            sender=_lines(body.get("sender")),
            receiver=_lines(body.get("receiver")),
            reference=str(body.get("reference") or ""),
            cod=f"COD {cod['amount']} PLN" if cod else "",
            point=str((body.get("custom_attributes") or {}).get("target_point") or ""),
            parcel=f"{index + 1}/{len(parcels)}",
            weight=str(parcel.get("template") or ""),
        )
        for index, parcel in enumerate(parcels)
    ]
