"""The fake ShipX's memory and its test handles (thread-safe; the clock is injectable).

How asynchronous processing moves is controllable:
- `gets_per_step=N` (default 1): every N-th GET of a shipment (or dispatch order) moves it one step;
  None turns this off;
- `seconds_per_step=S`: a step every S seconds of `now()` (reads catch up lazily);
- `process(id)` / `process_all()`: move now, by hand.
`prepaid=True` makes shipments stop at offers_prepared until POST /buy. `auto_advance=S` moves
confirmed parcels one tracking status per S seconds along their path (a living demo).
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable
from typing import Any

from integrations.carriers.fakekit import ComplaintBook, FakeCharge, FakeHarness
from integrations.carriers.inpost.fake import billing, processing
from integrations.carriers.inpost.fake.processing import FakeShipment
from integrations.carriers.inpost.services import LOCKER_POP, LOCKER_STANDARD

DEFAULT_TOKEN = "fake-inpost-token"
DEFAULT_ORG = 1234


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class FakeInPostState:
    """Shipments, dispatch orders and points of one fake ShipX, with handles for tests."""

    def __init__(
        self,
        *,
        now: Callable[[], dt.datetime] = _utcnow,
        token: str = DEFAULT_TOKEN,
        organization_id: int = DEFAULT_ORG,
        prepaid: bool = False,
        gets_per_step: int | None = 1,
        seconds_per_step: float | None = None,
        auto_advance: float | None = None,
    ) -> None:
        self.lock = threading.RLock()
        self.now = now
        self.tokens = {token}
        self.organization_id = organization_id
        self.prepaid = prepaid
        self.gets_per_step = gets_per_step
        self.seconds_per_step = seconds_per_step
        self.auto_advance = auto_advance
        # whether the list honours ?external_customer_id= (third-party clients use it; unverified)
        self.filter_by_customer_id = True
        self.refusal: str | None = None  # offers of new shipments come out unavailable with this reason
        self.shipments: dict[int, FakeShipment] = {}
        self.dispatch_orders: dict[int, dict[str, Any]] = {}
        self.points: dict[str, dict[str, Any]] = {}
        self.harness = FakeHarness()
        self.complaints = ComplaintBook(now=now)  # test handles: ask_for(), decide()
        self._ids = itertools.count(100001)

    # -- arranging -------------------------------------------------------------------------------
    def add_token(self, token: str) -> None:
        """Accept another bearer token."""
        with self.lock:
            self.tokens.add(token)

    def add_point(
        self, name: str, *, city: str, post_code: str, street: str = "Główna", **extra: Any
    ) -> dict:
        """A locker (`KRA010`) or, for a `POP-` name, a PaczkoPunkt, in ShipX's point shape."""
        pop = name.startswith("POP-")
        point = {
            "name": name,
            "type": ["pop"] if pop else ["parcel_locker"],
            "status": "Operating",
            "location": {"latitude": extra.pop("latitude", 52.0), "longitude": extra.pop("longitude", 19.0)},
            "location_type": "Outdoor",
            "location_description": extra.pop("description", "przy sklepie"),
            "opening_hours": "pn-pt 8-20" if pop else "24/7",
            "address": {
                "line1": f"{street} {extra.get('building_number', '1')}",
                "line2": f"{post_code} {city}",
            },
            "address_details": {
                "city": city,
                "province": extra.pop("province", ""),
                "post_code": post_code,
                "street": street,
                "building_number": extra.pop("building_number", "1"),
                "flat_number": None,
            },
            "functions": ["parcel", "parcel_send", "parcel_collect"],
            "payment_available": extra.pop("payment_available", True),
            **extra,
        }
        with self.lock:
            self.points[name] = point
        return point

    # -- shipments -------------------------------------------------------------------------------
    def create_shipment(self, organization_id: int, body: dict[str, Any]) -> FakeShipment:
        """Store a valid create body; a POP- target point switches locker standard to the
        customer-service-point service (digest §1.3)."""
        with self.lock:
            service = body["service"]
            point = str((body.get("custom_attributes") or {}).get("target_point") or "")
            if service == LOCKER_STANDARD and point.startswith("POP-"):
                service = LOCKER_POP
            now = self.now()
            shipment = FakeShipment(next(self._ids), organization_id, body, service, now)
            processing.set_status(shipment, "created", now)
            self.shipments[shipment.id] = shipment
            return shipment

    def shipment(self, shipment_id: int | str) -> FakeShipment | None:
        """A shipment with its processing caught up to the clock (None when unknown)."""
        with self.lock:
            found = self.shipments.get(int(shipment_id)) if str(shipment_id).isdigit() else None
            if found is not None:
                self._catch_up(found)
            return found

    def by_key(self, external_customer_id: str) -> list[FakeShipment]:
        """The shipments created with that external_customer_id (tests: "nothing twice")."""
        with self.lock:
            return [s for s in self.shipments.values() if s.external_customer_id == external_customer_id]

    def count_get(self, shipment: FakeShipment) -> None:
        """A GET of the shipment: every `gets_per_step`-th one moves processing a step."""
        with self.lock:
            shipment.gets += 1
            if self.gets_per_step and shipment.gets % self.gets_per_step == 0:
                self._step(shipment)

    def process(self, shipment_id: int | str, steps: int = 1) -> FakeShipment:
        """Move a shipment's background processing by hand."""
        with self.lock:
            shipment = self.shipments[int(shipment_id)]
            for _ in range(steps):
                self._step(shipment)
            return shipment

    def process_all(self) -> None:
        """Process every shipment as far as it goes (a prepaid one stops at offers_prepared)."""
        with self.lock:
            for shipment in self.shipments.values():
                while self._step(shipment):
                    pass

    def _step(self, shipment: FakeShipment) -> bool:
        return processing.step(shipment, prepaid=self.prepaid, refusal=self.refusal, now=self.now())

    def _catch_up(self, shipment: FakeShipment) -> None:
        now = self.now()
        if self.seconds_per_step:
            while (
                shipment.stepped_at and (now - shipment.stepped_at).total_seconds() >= self.seconds_per_step
            ):
                moment = shipment.stepped_at + dt.timedelta(seconds=self.seconds_per_step)
                if not processing.step(shipment, prepaid=self.prepaid, refusal=self.refusal, now=moment):
                    break
        if self.auto_advance and shipment.tracking_number:
            while (now - (shipment.stepped_at or now)).total_seconds() >= self.auto_advance:
                moment = (shipment.stepped_at or now) + dt.timedelta(seconds=self.auto_advance)
                if processing.advance_tracking(shipment, moment) is None:
                    break

    # -- tracking --------------------------------------------------------------------------------
    def by_tracking(self, number: str) -> FakeShipment | None:
        """The shipment with that tracking number (caught up to the clock)."""
        with self.lock:
            found = next((s for s in self.shipments.values() if s.tracking_number == number), None)
            if found is not None:
                self._catch_up(found)
            return found

    def add_event(
        self, shipment_id: int | str, status: str, *, at: dt.datetime | None = None, location: str = ""
    ) -> None:
        """Append a tracking event with any code (known to the map or not); the status follows it."""
        with self.lock:
            shipment = self.shipments[int(shipment_id)]
            processing.set_status(shipment, status, at or self.now(), location)

    def advance_tracking(self, shipment_id: int | str) -> str | None:
        """Move a confirmed parcel one status along its tracking path."""
        with self.lock:
            return processing.advance_tracking(self.shipments[int(shipment_id)], self.now())

    # -- billing ---------------------------------------------------------------------------------
    def billing_file(
        self, charges: list[FakeCharge], *, document: str = "", issued_on: dt.date | None = None
    ) -> bytes:
        """The surcharge specification (CSV) InPost would send with its invoice for these charges."""
        return billing.billing_csv(self, charges, document=document, issued_on=issued_on)

    # -- dispatch orders -------------------------------------------------------------------------
    def create_dispatch_order(self, organization_id: int, body: dict[str, Any]) -> dict[str, Any]:
        """Store a dispatch order (status new)."""
        with self.lock:
            now = self.now()
            order_id = next(self._ids)
            shipments = [self.shipments[int(i)] for i in body["shipments"]]
            order = {
                "id": order_id,
                "organization_id": organization_id,
                "href": f"/v1/dispatch_orders/{order_id}",
                "status": "new",
                "address": body.get("address") or {},
                "shipments": [
                    {"id": s.id, "href": f"/v1/shipments/{s.id}", "tracking_number": s.tracking_number}
                    for s in shipments
                ],
                "comments": [{"id": 1, "comment": body["comment"], "created_at": now.isoformat()}]
                if body.get("comment")
                else [],
                "created_at": now.isoformat(),
                "updated_at": now.isoformat(),
                "gets": 0,
            }
            self.dispatch_orders[order_id] = order
            return order

    def advance_dispatch(self, order_id: int | str) -> str:
        """new -> sent -> accepted, or rejected when a shipment was declared for a locker drop-off."""
        with self.lock:
            order = self.dispatch_orders[int(order_id)]
            if order["status"] == "new":
                order["status"] = "sent"
            elif order["status"] == "sent":
                dropped = any(
                    (self.shipments[s["id"]].body.get("custom_attributes") or {}).get("sending_method")
                    == "parcel_locker"
                    for s in order["shipments"]
                )
                order["status"] = "rejected" if dropped else "accepted"
            order["updated_at"] = self.now().isoformat()
            return order["status"]

    def count_dispatch_get(self, order: dict[str, Any]) -> None:
        """A GET of the dispatch order: every `gets_per_step`-th one moves it a step."""
        with self.lock:
            order["gets"] += 1
            if self.gets_per_step and order["gets"] % self.gets_per_step == 0:
                self.advance_dispatch(order["id"])
