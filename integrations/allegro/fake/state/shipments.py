"""Parcel tracking numbers on orders (POST/GET .../shipments) and the carriers list."""
from __future__ import annotations

import base64
import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

from integrations.allegro.fake.errors import ApiError, validation_error
from integrations.allegro.fake.timeutil import iso

# ids and names as GET /order/carriers lists them for sellers on allegro.pl
CARRIERS = (
    ("ALLEGRO", "Allegro One Kurier"),
    ("INPOST", "InPost"),
    ("DPD", "DPD"),
    ("POCZTA_POLSKA", "Poczta Polska"),
    ("DHL", "DHL"),
    ("UPS", "UPS"),
    ("GLS", "GLS"),
    ("FEDEX", "FedEx"),
    ("ORLEN", "ORLEN Paczka"),
    ("OTHER", "Inny przewoźnik"),
)
CARRIER_IDS = frozenset(carrier_id for carrier_id, _ in CARRIERS)
MAX_ORDERS_PER_WAYBILL = 5


def unknown_carrier(carrier_id: object) -> Exception:
    """The 400 for a carrier id missing from GET /order/carriers."""
    return validation_error(f"Carrier with id {carrier_id!r} is not supported", path="carrierId", status=400)


def carriers_payload() -> dict[str, Any]:
    """GET /order/carriers body."""
    return {"carriers": [{"id": carrier_id, "name": name} for carrier_id, name in CARRIERS]}


def _check_request(body: dict[str, Any]) -> tuple[str, str, str | None]:
    carrier_id = body.get("carrierId")
    waybill = body.get("waybill")
    carrier_name = body.get("carrierName")
    if not isinstance(carrier_id, str) or carrier_id not in CARRIER_IDS:
        raise unknown_carrier(carrier_id)
    if not isinstance(waybill, str) or not waybill.strip() or len(waybill) > 64:
        raise validation_error("Waybill must be 1 to 64 characters long", path="waybill", status=400)
    if carrier_name is not None and (not isinstance(carrier_name, str) or len(carrier_name) > 30):
        raise validation_error("Carrier name must be at most 30 characters", path="carrierName", status=400)
    if carrier_id != "OTHER":
        return carrier_id, waybill, None  # Allegro ignores carrierName for known carriers
    if not carrier_name or not carrier_name.strip():
        raise validation_error(
            "Carrier name is required for carrier OTHER", path="carrierName", status=400
        )
    return carrier_id, waybill, carrier_name


def _chosen_line_items(body: dict[str, Any], form: dict[str, Any]) -> list[str]:
    order_items = [item["id"] for item in form["lineItems"]]
    requested = body.get("lineItems") or []
    if not requested:
        return order_items
    chosen = []
    for position, entry in enumerate(requested):
        item_id = entry.get("id") if isinstance(entry, dict) else None
        if item_id not in order_items:
            raise validation_error(
                f"Line item {item_id} does not belong to the order", path=f"lineItems[{position}].id"
            )
        chosen.append(item_id)
    return chosen


def _sent_summary(form: dict[str, Any], shipments: list[dict[str, Any]]) -> str:
    sent = {item["id"] for shipment in shipments for item in shipment["lineItems"]}
    all_items = {item["id"] for item in form["lineItems"]}
    if not sent & all_items:
        return "NONE"
    return "ALL" if all_items <= sent else "SOME"


class ShipmentsMixin:
    """Tracking numbers of FakeAllegroState."""

    _lock: threading.RLock
    now: Callable[[], dt.datetime]
    checkout_forms: dict[str, dict[str, Any]]
    form_for: Callable[[str, str], dict[str, Any]]
    _store: Callable[[str, dict[str, Any]], None]

    def _init_shipments(self) -> None:
        self.shipments: dict[str, list[dict[str, Any]]] = {}
        self._waybill_orders: dict[str, set[str]] = {}

    def shipments_of(self, seller_id: str, form_id: str) -> dict[str, Any]:
        """GET .../shipments body."""
        with self._lock:
            self.form_for(seller_id, form_id)
            return {"shipments": list(self.shipments.get(form_id, ()))}

    def add_shipment(self, seller_id: str, form_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST .../shipments: not idempotent, the same waybill twice gives two entries."""
        with self._lock:
            form = self.form_for(seller_id, form_id)
            carrier_id, waybill, carrier_name = _check_request(body)
            line_items = _chosen_line_items(body, form)
            orders = self._waybill_orders.setdefault(waybill, set())
            if form_id not in orders and len(orders) >= MAX_ORDERS_PER_WAYBILL:
                raise ApiError(
                    409, "WAYBILL_USAGE_EXCEEDED", f"Waybill {waybill} is already used in too many orders",
                    path="waybill",
                )
            orders.add(form_id)
            existing = self.shipments.setdefault(form_id, [])
            shipment = self._shipment(carrier_id, waybill, carrier_name, line_items, existing)
            existing.append(shipment)
            self._after_shipment(seller_id, form, existing)
            return shipment

    def _shipment(
        self,
        carrier_id: str,
        waybill: str,
        carrier_name: str | None,
        line_items: list[str],
        existing: list[dict[str, Any]],
    ) -> dict[str, Any]:
        # Allegro derives the id from carrier and waybill; repeats get a suffix to stay distinguishable
        repeats = sum(1 for s in existing if s["waybill"] == waybill and s["carrierId"] == carrier_id)
        raw = f"{carrier_id}:{waybill}" + (f"#{repeats}" if repeats else "")
        shipment: dict[str, Any] = {
            "id": base64.b64encode(raw.encode()).decode(),
            "waybill": waybill,
            "carrierId": carrier_id,
            "lineItems": [{"id": item_id} for item_id in line_items],
            "createdAt": iso(self.now()),
        }
        if carrier_name is not None:
            shipment["carrierName"] = carrier_name
        return shipment

    def _after_shipment(self, seller_id: str, form: dict[str, Any], shipments: list[dict[str, Any]]) -> None:
        fulfillment = form.get("fulfillment", {})
        summary = {"lineItemsSent": _sent_summary(form, shipments)}
        updated = {
            **form,
            "fulfillment": {**fulfillment, "shipmentSummary": summary},
            "updatedAt": iso(self.now()),
        }
        self._store(seller_id, updated)
