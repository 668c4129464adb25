"""Fast bulk generation of orders for benchmarks: varied copies of a few hundred realistic templates."""
from __future__ import annotations

import datetime as dt
import gc
import random
from typing import TYPE_CHECKING, Any

from integrations.allegro.fake.state.form_factory import make_checkout_form, new_revision, new_uuid
from integrations.allegro.fake.timeutil import iso

if TYPE_CHECKING:
    from integrations.allegro.fake.state.core import FakeAllegroState

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


def populate_fast(
    state: FakeAllegroState, seller_id: str, n: int, *, start: dt.datetime | None = None
) -> None:
    """Add `n` paid orders bought evenly between `start` (default 30 days ago) and now.

    Each order gets a BOUGHT and a READY_FOR_PROCESSING event; both fall inside the order's own
    time slot so the journal stays in time order.
    """
    if n <= 0:
        return
    with state.lock:
        rng = random.Random(state.rng.getrandbits(64))
        now = state.now()
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
                state.insert_checkout_form(seller_id, form)
                state.emit_events(form["id"], [("BOUGHT", bought), ("READY_FOR_PROCESSING", paid)])
        finally:
            if collecting:
                gc.enable()
