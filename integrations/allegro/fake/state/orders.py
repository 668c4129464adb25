"""Orders part of the fake: checkout forms, the event journal and the seller's fulfillment status.

Stored forms are treated as immutable once published: every change stores a new dict, so a
response being serialized outside the lock never sees a half-applied change.
"""
from __future__ import annotations

import bisect
import datetime as dt
import random
import threading
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from integrations.allegro.fake.errors import ApiError, not_found, validation_error
from integrations.allegro.fake.state.form_factory import make_checkout_form, new_revision
from integrations.allegro.fake.state.orders_index import FormQuery, OrderIndex
from integrations.allegro.fake.timeutil import epoch_ms, iso, parse_iso

DEFAULT_EVENTS = ("BOUGHT", "FILLED_IN", "READY_FOR_PROCESSING")
EVENT_TYPES = frozenset({
    "BOUGHT", "FILLED_IN", "READY_FOR_PROCESSING", "BUYER_CANCELLED", "FULFILLMENT_STATUS_CHANGED",
    "BUYER_MODIFIED", "AUTO_CANCELLED",
})
# the checkout form status each buyer-side event leaves behind
STATUS_AFTER_EVENT = {
    "BOUGHT": "BOUGHT",
    "FILLED_IN": "FILLED_IN",
    "READY_FOR_PROCESSING": "READY_FOR_PROCESSING",
    "BUYER_CANCELLED": "CANCELLED",
    "AUTO_CANCELLED": "CANCELLED",
}
FULFILLMENT_STATUSES = frozenset({
    "NEW", "PROCESSING", "READY_FOR_SHIPMENT", "READY_FOR_PICKUP", "SENT", "PICKED_UP", "CANCELLED",
    "SUSPENDED", "RETURNED",
})
EVENT_RETENTION = dt.timedelta(days=60)
_FIRST_EVENT_ID = 10**15  # keeps ids at 16 digits, like Allegro's microsecond-based ids


def _buyer_reference(buyer: dict[str, Any]) -> dict[str, Any]:
    reference = {key: buyer[key] for key in ("id", "email", "login", "guest") if key in buyer}
    if "preferences" in buyer:
        reference["preferences"] = buyer["preferences"]
    return reference


def _line_item_reference(item: dict[str, Any]) -> dict[str, Any]:
    offer = {key: item["offer"][key] for key in ("id", "name", "external") if key in item["offer"]}
    reference = {"id": item["id"], "offer": offer, "quantity": item["quantity"], "price": item["price"]}
    for key in ("originalPrice", "boughtAt"):
        if key in item:
            reference[key] = item[key]
    return reference


def _checked_types(event_types: Iterable[str]) -> list[str]:
    """Reject unknown event types before anything is changed."""
    checked = list(event_types)
    unknown = [t for t in checked if t not in EVENT_TYPES]
    if unknown:
        raise ValueError(f"unknown event types {unknown!r}")
    return checked


def _order_snapshot(seller_id: str, form: dict[str, Any]) -> dict[str, Any]:
    """The `order` part of an event: who, what, and which revision of the checkout form."""
    return {
        "seller": {"id": seller_id},
        "buyer": _buyer_reference(form["buyer"]),
        "lineItems": [_line_item_reference(item) for item in form["lineItems"]],
        "checkoutForm": {"id": form["id"], "revision": form.get("revision")},
        "marketplace": {"id": form.get("marketplace", {}).get("id", "allegro-pl")},
    }


class OrdersStateMixin:
    """Checkout forms and events of FakeAllegroState."""

    _lock: threading.RLock
    _rng: random.Random
    now: Callable[[], dt.datetime]
    sellers: dict[str, dict[str, Any]]

    def _init_orders(self) -> None:
        self.checkout_forms: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self._index = OrderIndex()
        self._seller_events: dict[str, tuple[list[int], list[dict[str, Any]]]] = {}
        self._last_event_id = 0

    # -- arranging (test handle) -------------------------------------------------------------------

    def add_checkout_form(
        self, seller_id: str, *, events: Iterable[str] = DEFAULT_EVENTS, **overrides: Any
    ) -> dict[str, Any]:
        """Create a realistic form for the seller, emit `events` now, return the stored JSON."""
        events = tuple(events)
        status = next((STATUS_AFTER_EVENT[e] for e in reversed(events) if e in STATUS_AFTER_EVENT), None)
        with self._lock:
            now = self.now()
            status = status or "READY_FOR_PROCESSING"
            form = make_checkout_form(self._rng, bought_at=now, status=status, paid_at=now)
            form.update(overrides)
            return self.insert_checkout_form(seller_id, form, events=events)

    def insert_checkout_form(
        self,
        seller_id: str,
        form: dict[str, Any],
        *,
        events: Iterable[str] = (),
        at: dt.datetime | None = None,
    ) -> dict[str, Any]:
        """Store a ready-made form and emit `events` at `at` (default now); for generators."""
        pending = [(event_type, at) for event_type in _checked_types(events)]
        with self._lock:
            if seller_id not in self.sellers:
                raise KeyError(f"unknown seller {seller_id!r}")
            self._store(seller_id, form)
            if pending:
                self.emit_events(form["id"], pending)
            return form

    def update_checkout_form(
        self, form_id: str, *, event_type: str | None = "BUYER_MODIFIED", **changes: Any
    ) -> dict[str, Any]:
        """Apply buyer-side changes: new revision and updatedAt; emit `event_type` unless None (lost)."""
        _checked_types([event_type] if event_type is not None else [])
        with self._lock:
            seller_id = self._owner(form_id)
            updated = {
                **self.checkout_forms[form_id],
                "revision": new_revision(self._rng),
                "updatedAt": iso(self.now()),
                **changes,
            }
            self._store(seller_id, updated)
            if event_type is not None:
                self.emit_event(form_id, event_type)
            return updated

    def emit_event(self, form_id: str, event_type: str, *, at: dt.datetime | None = None) -> dict[str, Any]:
        """Append an event about the form's current state to the journal and return it."""
        return self.emit_events(form_id, [(event_type, at)])[0]

    def emit_events(
        self, form_id: str, events: Iterable[tuple[str, dt.datetime | None]]
    ) -> list[dict[str, Any]]:
        """Append several (type, time or None for now) events about the form's current state."""
        events = list(events)
        _checked_types(event_type for event_type, _ in events)
        with self._lock:
            seller_id = self._owner(form_id)
            # one snapshot serves all events: they describe the same revision
            order = _order_snapshot(seller_id, self.checkout_forms[form_id])
            ids, seller_events = self._seller_events.setdefault(seller_id, ([], []))
            emitted = []
            for event_type, at in events:
                at = at or self.now()
                event_id = max(self._last_event_id + 1, int(at.timestamp() * 1_000_000), _FIRST_EVENT_ID)
                self._last_event_id = event_id
                event = {"id": str(event_id), "type": event_type, "occurredAt": iso(at), "order": order}
                self.events.append(event)
                ids.append(event_id)
                seller_events.append(event)
                emitted.append(event)
            return emitted

    def _owner(self, form_id: str) -> str:
        seller_id = self._index.seller_of(form_id)
        if seller_id is None:
            raise KeyError(f"unknown checkout form {form_id!r}")
        return seller_id

    def _store(self, seller_id: str, form: dict[str, Any]) -> None:
        updated = epoch_ms(parse_iso(form["updatedAt"]))
        bought_times = [item["boughtAt"] for item in form.get("lineItems", ()) if item.get("boughtAt")]
        bought = epoch_ms(parse_iso(max(bought_times))) if bought_times else updated
        self.checkout_forms[form["id"]] = form
        self._index.put(form["id"], seller_id, updated, bought)

    # -- API operations ----------------------------------------------------------------------------

    def form_for(self, seller_id: str, form_id: str) -> dict[str, Any]:
        """The seller's form, or the 404 Allegro gives for unknown and foreign orders alike."""
        try:
            uuid.UUID(form_id)
        except ValueError:
            raise validation_error(f"Invalid checkout form id: {form_id}", path="id") from None
        with self._lock:
            if self._index.seller_of(form_id) != seller_id:
                raise not_found("Checkout form")
            return self.checkout_forms[form_id]

    def list_forms(self, query: FormQuery) -> dict[str, Any]:
        """GET /order/checkout-forms: a page plus count and totalCount."""
        with self._lock:
            page_ids, total = self._index.search(query, self.checkout_forms)
            page = [self.checkout_forms[form_id] for form_id in page_ids]
        return {"checkoutForms": page, "count": len(page), "totalCount": total}

    def events_after(
        self, seller_id: str, after: int | None, limit: int, types: frozenset[str] | None
    ) -> list[dict[str, Any]]:
        """GET /order/events: oldest first, strictly after `after`, within the retention window."""
        with self._lock:
            ids, seller_events = self._seller_events.get(seller_id, ([], []))
            start = 0 if after is None else bisect.bisect_right(ids, after)
            cutoff = iso(self.now() - EVENT_RETENTION)
            found: list[dict[str, Any]] = []
            for event in seller_events[start:]:
                if event["occurredAt"] >= cutoff and (types is None or event["type"] in types):
                    found.append(event)
                    if len(found) >= limit:
                        break
            return found

    def event_stats(self, seller_id: str) -> dict[str, Any]:
        """GET /order/event-stats: the latest event, or id "0" when the journal is empty."""
        with self._lock:
            _, seller_events = self._seller_events.get(seller_id, ([], []))
            if not seller_events:
                return {"latestEvent": {"id": "0", "occurredAt": iso(self.now())}}
            latest = seller_events[-1]
            return {"latestEvent": {"id": latest["id"], "occurredAt": latest["occurredAt"]}}

    def set_fulfillment(self, seller_id: str, form_id: str, status: Any, revision: str | None) -> None:
        """PUT .../fulfillment: seller status; checks the revision; the revision itself stays."""
        with self._lock:
            form = self.form_for(seller_id, form_id)
            if status not in FULFILLMENT_STATUSES:
                raise validation_error(f"Unrecognized fulfillment status: {status}", path="status")
            if status == "RETURNED":
                raise validation_error("Status RETURNED cannot be set by the seller", path="status")
            if revision is not None and revision != form.get("revision"):
                message = f"Checkout form revision {revision} is outdated"
                raise ApiError(409, "CONFLICT", message, path="checkoutForm.revision")
            previous = form.get("fulfillment", {})
            updated = {**form, "fulfillment": {**previous, "status": status}, "updatedAt": iso(self.now())}
            self._store(seller_id, updated)
            if previous.get("status") != status:
                self.emit_event(form_id, "FULFILLMENT_STATUS_CHANGED")
