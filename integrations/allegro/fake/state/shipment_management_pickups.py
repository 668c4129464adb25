"""'Wysyłam z Allegro' reads around the shipments: pickup proposals and pickups, delivery proposals
for an order, the deprecated delivery services, and Allegro's drop-off points."""
from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from integrations.allegro.fake.errors import ApiError
from integrations.allegro.fake.state import shipment_management_rules as rules
from integrations.allegro.fake.state.form_factory import new_uuid

_SERVICES = (  # (delivery method id, name, carrier, COD)
    ("1fa56f79-4b6a-4821-a6f2-ca9c16d5c925", "Allegro Paczkomaty InPost", "INPOST", False),
    ("7203cb90-864c-4cab-b2b0-f6a2e0bd6a5c", "Allegro Kurier DPD", "DPD", False),
    ("98f86f81-0018-41c5-ac83-073a56fc7021", "Allegro Kurier DPD pobranie", "DPD", True),
    ("5b0ad5f5-9b48-4c8a-8ea8-8d3a3ec0e0a1", "Allegro Pocztex Kurier 48", "POCZTA_POLSKA", False),
    ("0e9bba3a-0f8c-4a3b-9a46-3b6d2e8b9c71", "Allegro One Box, One Kurier", "ALLEGRO", False),
)
COD_LIMIT = Decimal("5000.00")


class PickupsMixin:
    """Pickups and the order-level reads of ShipmentManagementMixin."""

    _lock: threading.RLock
    now: Callable[[], dt.datetime]
    rng: Any
    wza_shipments: dict[str, dict[str, Any]]
    shipment_for: Callable[[str, str], dict[str, Any]]
    form_for: Callable[[str, str], dict[str, Any]]

    def _init_pickups(self) -> None:
        self.wza_pickups: dict[str, dict[str, Any]] = {}
        self.allegro_points: list[dict[str, Any]] = []  # AllegroPickupDropOffPoint, see demo

    def pickup_proposals(self, seller_id: str, body: dict[str, Any]) -> list[dict[str, Any]]:
        """POST pickup-proposals: a JSON array with one PickupProposalsResponseDto."""
        ready = _ready_date(body.get("readyDate"), self.now())
        with self._lock:
            shipments = [self.shipment_for(seller_id, sid) for sid in body.get("shipmentIds") or []]
        proposals = [
            {"shipmentId": s["id"], "pickupTimes": rules.pickup_times(s["carrier"], ready)} for s in shipments
        ]
        return [{"proposals": proposals, "address": body.get("address")}]

    def _execute_pickup(self, seller_id: str, data: dict[str, Any]) -> tuple[list, dict]:
        shipments = []
        for shipment_id in data.get("shipmentIds") or []:
            stored = self.wza_shipments.get(shipment_id)
            if stored is None or stored["seller"] != seller_id:
                return [rules.command_error("NOT_FOUND", "Shipment not found", "shipmentIds")], {}
            shipments.append(stored["payload"])
        wanted = data.get("pickupTime") or {}
        for shipment in shipments:
            if shipment["carrier"] in rules.NO_PICKUP or "canceledDate" in shipment:
                return [rules.command_error("PICKUP_NOT_AVAILABLE", "Pickup is not available",
                                            "shipmentIds")], {}
            offered = rules.pickup_times(shipment["carrier"], _ready_date(wanted.get("date"), self.now()))
            if not any(_same_time(wanted, time) for time in offered):
                return [rules.command_error("INVALID_PICKUP_PROPOSAL_ID", "Invalid pickup proposal",
                                            "pickupTime")], {}
        pickup_id = new_uuid(self.rng)
        carrier_pickup_id = f"{shipments[0]['carrier']}-{self.rng.randint(100000, 999999)}"
        self.wza_pickups[pickup_id] = {
            "seller": seller_id,
            "payload": {
                "id": pickup_id,
                "carrierPickupId": carrier_pickup_id,
                "carrier": shipments[0]["carrier"],
                "pickupCarrier": shipments[0]["carrier"],
                "address": data.get("address"),
                "shipmentIds": [s["id"] for s in shipments],
                "waybills": [p["waybill"] for s in shipments for p in s["packages"]],
            },
        }
        return [], {"pickupId": pickup_id, "carrierPickupId": carrier_pickup_id}

    def pickup_for(self, seller_id: str, pickup_id: str) -> dict[str, Any]:
        """GET pickups/{id}: the PickupDto, or 404."""
        with self._lock:
            stored = self.wza_pickups.get(pickup_id)
            if stored is None or stored["seller"] != seller_id:
                raise ApiError(404, "NOT_FOUND", f"Pickup {pickup_id} not found")
            return stored["payload"]

    def delivery_proposal(self, seller_id: str, order_id: str) -> dict[str, Any]:
        """GET delivery-proposals/{orderId}: a ready create body and the options with limits;
        400 UNSUPPORTED_DELIVERY_METHOD for an order WzA cannot ship (AA#13583)."""
        with self._lock:
            form = self.form_for(seller_id, order_id)
        carrier = rules.carrier_of_method(form["delivery"]["method"]["name"])
        if carrier is None:
            raise ApiError(400, "UNSUPPORTED_DELIVERY_METHOD", "Delivery method is not supported")
        suggested = _suggested_input(form, carrier)
        option: dict[str, Any] = {
            "deliveryType": "APM" if "pickupPoint" in form["delivery"] else "DOOR",
            "paymentType": "POSTPAID" if "cashOnDelivery" in suggested else "PREPAID",
            "packageType": "PACKAGE",
            "originCountry": "PL",
            "destinationCountry": "PL",
            "limits": {
                "insurance": {"amount": "5000.00", "currency": "PLN"},
                "weight": {"value": 25, "unit": "KILOGRAMS"},
            },
            "additionalServices": [],
            "additionalProperties": [],
        }
        if "cashOnDelivery" in suggested:
            option["limits"]["cashOnDelivery"] = {"amount": str(COD_LIMIT), "currency": "PLN"}
        return {"orderId": order_id, "suggestedInput": suggested, "deliveryOptions": [option]}

    def delivery_services(self) -> dict[str, Any]:
        """GET delivery-services (deprecated): Allegro Standard methods; COD goes to the wallet."""
        services = []
        for method_id, name, carrier, cod in _SERVICES:
            service: dict[str, Any] = {
                "id": {"deliveryMethodId": method_id},
                "name": name,
                "carrierId": carrier,
                "additionalServices": [],
                "additionalProperties": [],
                "owner": "ALLEGRO",
                "marketplaces": ["allegro-pl"],
                "packageTypes": ["PACKAGE"],
                "insurance": {"limit": 5000, "currency": "PLN"},
                "features": {},
            }
            if cod:
                service["cashOnDelivery"] = {
                    "limit": float(COD_LIMIT), "currency": "PLN", "paymentType": "WALLET_TRANSFER",
                }
            services.append(service)
        return {"services": services}

    def points_payload(self, carriers: list[str]) -> dict[str, Any]:
        """GET /order/carriers/ALLEGRO/points, filtered by carrier when asked."""
        with self._lock:
            points = [
                p for p in self.allegro_points if not carriers or set(p.get("carriers") or ()) & set(carriers)
            ]
        return {"points": points}


def _ready_date(value: Any, now: dt.datetime) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else now.date()
    except ValueError:
        return now.date()


def _same_time(wanted: dict[str, Any], offered: dict[str, str]) -> bool:
    # times must be sent exactly as proposed (AA#13237); a date alone takes the carrier's window
    if wanted.get("date") != offered["date"]:
        return False
    return all(wanted.get(key) in (None, offered[key]) for key in ("minTime", "maxTime"))


def _suggested_input(form: dict[str, Any], carrier: str) -> dict[str, Any]:
    delivery = form["delivery"]
    address = delivery["address"]
    receiver: dict[str, Any] = {
        "name": f"{address['firstName']} {address['lastName']}",
        "street": address["street"],
        "postalCode": address["zipCode"],
        "city": address["city"],
        "countryCode": address.get("countryCode", "PL"),
        "email": form["buyer"]["email"],
        "phone": address.get("phoneNumber") or "+48500600700",
    }
    if address.get("companyName"):
        receiver["company"] = address["companyName"]
    if "pickupPoint" in delivery:
        receiver["point"] = delivery["pickupPoint"]["id"]
    suggested: dict[str, Any] = {
        "deliveryMethodId": delivery["method"]["id"],
        "sender": dict(rules.WAREHOUSE),
        "receiver": receiver,
        "referenceNumber": form["id"][: rules.REFERENCE_MAX.get(carrier, 36)],
        "packages": [{
            "type": "PACKAGE",
            "length": {"value": 30, "unit": "CENTIMETER"},
            "width": {"value": 20, "unit": "CENTIMETER"},
            "height": {"value": 10, "unit": "CENTIMETER"},
            "weight": {"value": 1.5, "unit": "KILOGRAMS"},
        }],
        "labelFormat": "PDF",
    }
    if "pobranie" in delivery["method"]["name"]:
        # every WzA COD payout goes to the seller's Allegro wallet: no IBAN (AA#13990)
        suggested["cashOnDelivery"] = {"amount": form["summary"]["totalToPay"]["amount"], "currency": "PLN"}
    return suggested
