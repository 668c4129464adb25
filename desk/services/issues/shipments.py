"""Tracking numbers of the orders issues are about: read from Allegro by the issue sync (and the
page's "refresh" action) and kept on the order, so the issue page never waits on Allegro."""

from __future__ import annotations

import datetime as dt
import logging

from desk.models import Order
from desk.models.order import shipment_record
from integrations.allegro import AllegroClient, AllegroError

log = logging.getLogger(__name__)


def read_shipments(client: AllegroClient, order: Order, now: dt.datetime) -> bool:
    """Store the order's tracking numbers as Allegro has them now; False (old copy kept) when
    Allegro cannot be asked. Flushes nothing; the caller commits."""
    try:
        shipments = client.list_shipments(order.allegro_id)
    except AllegroError as exc:
        log.info("shipments of order %s unavailable: %s", order.allegro_id, exc)
        return False
    order.shipments = [
        shipment_record(
            id=s.id, waybill=s.waybill, carrier_id=s.carrier_id, carrier_name=s.carrier_name,
            line_item_ids=s.line_item_ids, created_at=s.created_at,
        )
        for s in shipments
    ]
    order.shipments_read_at = now
    return True
