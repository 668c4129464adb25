"""A living demo shop: backdated orders, then ticks that keep buyers buying, paying and changing minds."""
from __future__ import annotations

import base64
import datetime as dt
import os
import random
import string
import threading
from decimal import Decimal
from typing import Any

from flask import Flask

from integrations.allegro.fake.app import create_fake_allegro
from integrations.allegro.fake.demo.issues import IssuesDemo
from integrations.allegro.fake.demo.messaging import MessagingDemo
from integrations.allegro.fake.demo.ratings import DemoRatings
from integrations.allegro.fake.demo.shipments import seed_wza
from integrations.allegro.fake.state.core import FakeAllegroState
from integrations.allegro.fake.state.form_factory import make_buyer, make_checkout_form, mark_paid
from integrations.allegro.fake.timeutil import iso

DEMO_SELLER_LOGIN = "demo_sklep"
TICK_SECONDS_ENV = "FAKE_ALLEGRO_TICK_SECONDS"
# carrier of the tracking number a seller adds for each delivery method
_CARRIER_BY_METHOD = {"InPost": "INPOST", "DPD": "DPD", "Pocztex": "POCZTA_POLSKA", "One": "ALLEGRO"}


def _waybill(rng: random.Random, carrier_id: str) -> str:
    digits = string.digits
    if carrier_id == "INPOST":
        return "6" + "".join(rng.choice(digits) for _ in range(23))
    if carrier_id == "DPD":
        return "1" + "".join(rng.choice(digits) for _ in range(12)) + "U"
    if carrier_id == "POCZTA_POLSKA":
        return "PX" + "".join(rng.choice(digits) for _ in range(10))
    return "A" + "".join(rng.choice(string.ascii_uppercase + digits) for _ in range(11))


class DemoGenerator:
    """Fills a FakeAllegroState with Polish orders and moves the shop forward on each tick()."""

    def __init__(self, state: FakeAllegroState, *, seed: int = 0) -> None:
        self.state = state
        self.rng = random.Random(seed)
        self.seller_id: str | None = None
        self._unpaid: list[str] = []
        self._open: list[str] = []
        self.issues = IssuesDemo(state, seed=seed)
        self.ratings = DemoRatings(state, seed=seed)
        self.messaging = MessagingDemo(state, seed=seed)

    # -- history -----------------------------------------------------------------------------------

    def populate(self, seller_id: str, *, orders: int = 200, days: int = 30) -> None:
        """Add `orders` orders bought over the last `days` days, with their events in time order."""
        self.seller_id = seller_id
        now = self.state.now()
        span = dt.timedelta(days=days).total_seconds()
        bought_times = sorted(now - dt.timedelta(seconds=self.rng.uniform(0, span)) for _ in range(orders))
        timeline: list[tuple[dt.datetime, str, str]] = []
        with self.state.lock:
            for bought in bought_times:
                form, events = self._past_order(bought, now)
                self.state.insert_checkout_form(seller_id, form)
                timeline += [(at, form["id"], event_type) for at, event_type in events]
            for at, form_id, event_type in sorted(timeline):
                self.state.emit_event(form_id, event_type, at=at)
            self.issues.populate(seller_id)
            self.ratings.populate(seller_id)
            self.messaging.populate(seller_id)
            seed_wza(self.state)

    def _past_order(self, bought: dt.datetime, now: dt.datetime) -> tuple[dict[str, Any], list[Any]]:
        rng = self.rng
        age = now - bought
        paid = bought + dt.timedelta(minutes=rng.randint(1, 30))
        roll = rng.random()
        checkout = [(bought, "BOUGHT"), (bought + dt.timedelta(seconds=40), "FILLED_IN")]
        if age < dt.timedelta(hours=6) and roll < 0.15:
            form = make_checkout_form(rng, bought_at=bought, status="FILLED_IN")
            self._unpaid.append(form["id"])
            return form, checkout
        if roll < 0.05:
            form = make_checkout_form(rng, bought_at=bought, status="CANCELLED")
            cancelled = bought + dt.timedelta(hours=rng.randint(1, 20))
            form["updatedAt"] = iso(cancelled)
            form["fulfillment"]["status"] = "CANCELLED"
            kind = rng.choice(("BUYER_CANCELLED", "AUTO_CANCELLED"))
            return form, [*checkout, (cancelled, kind)]
        form = make_checkout_form(rng, bought_at=bought, status="READY_FOR_PROCESSING", paid_at=paid)
        events = [*checkout, (paid, "READY_FOR_PROCESSING")]
        if age > dt.timedelta(days=2):
            sent = paid + dt.timedelta(hours=rng.randint(2, 30))
            self._ship(form, sent)
            events.append((sent, "FULFILLMENT_STATUS_CHANGED"))
        else:
            self._open.append(form["id"])
        return form, events

    def _ship(self, form: dict[str, Any], sent: dt.datetime) -> None:
        """Mark a past order as sent, with a tracking number like the seller would have added."""
        name = form["delivery"]["method"]["name"]
        carrier_id = next((c for key, c in _CARRIER_BY_METHOD.items() if key in name), None)
        form["updatedAt"] = iso(sent)
        if carrier_id is None:  # personal pickup: nothing to track
            form["fulfillment"]["status"] = "PICKED_UP"
            return
        summary = {"lineItemsSent": "ALL"}
        form["fulfillment"] = {**form["fulfillment"], "status": "SENT", "shipmentSummary": summary}
        waybill = _waybill(self.rng, carrier_id)
        self.state.shipments[form["id"]] = [{
            "id": base64.b64encode(f"{carrier_id}:{waybill}".encode()).decode(),
            "waybill": waybill,
            "carrierId": carrier_id,
            "lineItems": [{"id": item["id"]} for item in form["lineItems"]],
            "createdAt": iso(sent),
        }]

    # -- the living part ---------------------------------------------------------------------------

    def tick(self) -> dict[str, int]:
        """Move the shop forward once: new orders, payments, address changes, cancellations."""
        seller_id = self.seller_id or next(iter(self.state.sellers), None)
        if seller_id is None:
            return {"created": 0, "paid": 0, "modified": 0, "cancelled": 0}
        self.seller_id = seller_id
        with self.state.lock:
            return {
                "created": self._new_orders(seller_id),
                "paid": self._payments(),
                "modified": self._address_change(),
                "cancelled": self._cancellation(),
                **self.issues.tick(seller_id),
                **self.ratings.tick(seller_id),
                **self.messaging.tick(seller_id),
            }

    def _new_orders(self, seller_id: str) -> int:
        count = self.rng.choices((0, 1, 2, 3), weights=(30, 35, 25, 10))[0]
        for _ in range(count):
            instantly_paid = self.rng.random() < 0.7
            status = "READY_FOR_PROCESSING" if instantly_paid else "FILLED_IN"
            now = self.state.now()
            form = make_checkout_form(self.rng, bought_at=now, status=status, paid_at=now)
            events = ["BOUGHT", "FILLED_IN"] + (["READY_FOR_PROCESSING"] if instantly_paid else [])
            self.state.insert_checkout_form(seller_id, form, events=events)
            (self._open if instantly_paid else self._unpaid).append(form["id"])
        return count

    def _payments(self) -> int:
        paid = 0
        for form_id in list(self._unpaid):
            if self.rng.random() >= 0.5:
                continue
            form = self.state.checkout_forms[form_id]
            payment = dict(form["payment"])
            mark_paid(payment, Decimal(form["summary"]["totalToPay"]["amount"]), self.state.now())
            self.state.update_checkout_form(
                form_id, event_type="READY_FOR_PROCESSING", status="READY_FOR_PROCESSING", payment=payment
            )
            self._unpaid.remove(form_id)
            self._open.append(form_id)
            paid += 1
        return paid

    def _address_change(self) -> int:
        if not self._open or self.rng.random() >= 0.15:
            return 0
        form_id = self.rng.choice(self._open)
        form = self.state.checkout_forms[form_id]
        mover = make_buyer(self.rng)["address"]
        address = {
            **form["delivery"]["address"],
            "street": mover["street"],
            "city": mover["city"],
            "zipCode": mover["postCode"],
            "modifiedAt": iso(self.state.now()),
        }
        self.state.update_checkout_form(form_id, delivery={**form["delivery"], "address": address})
        return 1

    def _cancellation(self) -> int:
        pool = self._unpaid if self._unpaid and self.rng.random() < 0.5 else self._open
        if not pool or self.rng.random() >= 0.08:
            return 0
        form_id = self.rng.choice(pool)
        pool.remove(form_id)
        kind = "AUTO_CANCELLED" if pool is self._unpaid else "BUYER_CANCELLED"
        self.state.update_checkout_form(form_id, event_type=kind, status="CANCELLED")
        return 1


def _install_ticker(app: Flask, generator: DemoGenerator, every: dt.timedelta) -> None:
    """Advance the demo lazily on incoming requests, so no background thread is needed."""
    lock = threading.Lock()
    next_tick = [generator.state.now() + every]

    @app.before_request
    def advance_demo() -> None:
        """Run the ticks that fell due since the last request."""
        with lock:
            for _ in range(10):  # catch up after a quiet spell, but never stall a request for long
                if generator.state.now() < next_tick[0]:
                    return
                generator.tick()
                next_tick[0] += every
            next_tick[0] = generator.state.now() + every


def create_app() -> Flask:
    """The demo fake for `flask --app integrations.allegro.fake run`: seller demo_sklep with living data."""
    state = FakeAllegroState()
    seller_id = state.add_seller(DEMO_SELLER_LOGIN)
    state.auto_approve_devices = True
    state.device_seller_id = seller_id
    generator = DemoGenerator(state)
    generator.populate(seller_id)
    app = create_fake_allegro(state)
    _install_ticker(app, generator, dt.timedelta(seconds=float(os.environ.get(TICK_SECONDS_ENV, "30"))))
    return app
