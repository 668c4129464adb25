"""Fast bulk generation of orders for benchmarks: varied copies of a few hundred realistic templates."""
from __future__ import annotations

import datetime as dt
import gc
import random
import threading
from collections.abc import Callable
from typing import Any

from integrations.allegro.fake.state.form_factory import make_checkout_form, new_revision, new_uuid
from integrations.allegro.fake.timeutil import iso

TEMPLATES = 200
DEFAULT_SPAN = dt.timedelta(days=30)


def _copy(
    rng: random.Random, template: dict[str, Any], bought: dt.datetime, paid: dt.datetime
) -> dict[str, Any]:
    """A new order shaped like `template`: fresh ids and times, shared read-only nested data."""
    bought_text = iso(bought)
    payment = {**template["payment"], "id": new_uuid(rng)}
    if "finishedAt" in payment:
        payment["finishedAt"] = iso(paid)
    return {
        **template,
        "id": new_uuid(rng),
        "payment": payment,
        "lineItems": [
            {**item, "id": new_uuid(rng), "boughtAt": bought_text} for item in template["lineItems"]
        ],
        "updatedAt": iso(paid),
        "revision": new_revision(rng),
    }


class BulkMixin:
    """populate_fast, the bulk generation of orders for benchmarks; mixed into FakeAllegroState."""

    _lock: threading.RLock
    rng: random.Random
    now: Callable[[], dt.datetime]
    sellers: dict[str, dict[str, Any]]
    insert_checkout_form: Callable[..., dict[str, Any]]
    emit_events: Callable[..., list[dict[str, Any]]]

    def populate_fast(self, seller_id: str, n: int, *, start: dt.datetime | None = None) -> None:
        """Add `n` paid orders quickly (for benchmarks), bought evenly from `start` to now.

        `start` defaults to 30 days ago. Each order gets a BOUGHT and a READY_FOR_PROCESSING event;
        both fall inside the order's own time slot so the journal stays in time order.
        """
        if seller_id not in self.sellers:
            raise KeyError(f"unknown seller {seller_id!r}")
        if n <= 0:
            return
        with self._lock:
            rng = random.Random(self.rng.getrandbits(64))
            now = self.now()
            start = start or now - DEFAULT_SPAN
            step = (now - start) / n
            bought0 = min(start, now)
            templates = [
                make_checkout_form(rng, bought_at=bought0, status="READY_FOR_PROCESSING")
                for _ in range(min(TEMPLATES, n))
            ]
            # the cyclic GC would rescan the growing heap over and over; nothing created here is cyclic
            collecting = gc.isenabled()
            gc.disable()
            try:
                for position in range(n):
                    bought = start + step * position
                    paid = bought + step / 2
                    form = _copy(rng, templates[position % len(templates)], bought, paid)
                    self.insert_checkout_form(seller_id, form)
                    self.emit_events(form["id"], [("BOUGHT", bought), ("READY_FOR_PROCESSING", paid)])
            finally:
                if collecting:
                    gc.enable()
