"""The words agents read about parcels: tracking states, shipment statuses, stuck reasons, the orders
list's parcel filter, the export's headings, and the note for the buyer about a stuck parcel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# Proper names: the same in every language.
CARRIERS = {"inpost": "InPost", "dpd": "DPD", "poczta": "Poczta Polska", "allegro": "Wysyłam z Allegro"}

# The common lifecycle every carrier's codes map to (integrations/carriers/status.py).
TRACKING_STATES = {
    "created": (_l("Label created"), "neutral"),
    "handed_over": (_l("Handed to the carrier"), "info"),
    "in_transit": (_l("On the way"), "info"),
    "out_for_delivery": (_l("Out for delivery"), "info"),
    "ready_for_pickup": (_l("Waiting at the pickup point"), "warning"),
    "delivered": (_l("Delivered to the buyer"), "success"),
    "returning": (_l("Going back to the sender"), "error"),
    "returned": (_l("Returned to the sender"), "neutral"),
    "problem": (_l("The carrier reports a problem"), "error"),
    "cancelled": (_l("Parcel cancelled"), "neutral"),
}
NO_TRACKING = _l("No tracking events yet")
SHIPMENT_STATUSES = {
    "ordering": (_l("Being sent to the carrier"), "info"),
    "checking": (_l("Being confirmed with the carrier"), "warning"),
    "pending": (_l("Carrier processing the order"), "info"),
    "confirmed": (_l("Label ready"), "success"),
    "sent": (_l("In the carrier's books"), "success"),
    "failed": (_l("The carrier refused it"), "error"),
    "cancelled": (_l("Shipment cancelled"), "neutral"),
}
STUCK_REASONS = {
    "silent": _l("No news from the carrier"),
    "pickup": _l("Waiting too long at the pickup point"),
    "returning": _l("Going back to the sender"),
    "problem": _l("The carrier reports a problem"),
}
# the orders list's filter (keys of desk.services.orders.listing.PARCEL_STATES)
ORDER_PARCEL_FILTERS = {
    "none": _l("No parcel"),
    "waiting": _l("Parcel not handed over yet"),
    "moving": _l("Parcel on the way"),
    "pickup": _l("Parcel waiting for pickup"),
    "delivered": _l("Parcel delivered"),
    "problem": _l("Parcel with a problem"),
}
EXPORT_HEADINGS = {
    "created_at": _l("Ordered at"),
    "account": _l("Account"),
    "order": _l("Order"),
    "carrier": _l("Carrier"),
    "service": _l("Service"),
    "waybills": _l("Waybill numbers"),
    "status": _l("Shipment status"),
    "tracking_state": _l("Parcel state"),
    "tracking_at": _l("Last tracking event"),
    "reference": _l("Reference"),
    "cod_amount": _l("COD amount (PLN)"),
    "price_gross": _l("Price gross (PLN)"),
}

# What the agent may send the buyer about a stuck parcel (copied into the conversation by hand).
BUYER_NOTES = {
    "silent": _l(
        "Hello, we can see that your %(carrier)s parcel no. %(waybill)s has had no new tracking "
        "information since %(since)s. We have asked the carrier what is happening and will let you "
        "know as soon as we hear back."
    ),
    "pickup": _l(
        "Hello, your %(carrier)s parcel no. %(waybill)s has been waiting for you at the pickup point "
        "since %(since)s. Please collect it soon, otherwise the carrier will send it back to us."
    ),
    "returning": _l(
        "Hello, the carrier %(carrier)s reports that parcel no. %(waybill)s is going back to us. "
        "Please tell us whether we should send it again, to the same address or a new one."
    ),
    "problem": _l(
        "Hello, the carrier %(carrier)s reports a problem with delivering parcel no. %(waybill)s "
        "(%(what)s). We are clearing it up with the carrier and will get back to you."
    ),
}

FOR_PARCELS = {
    "carrier_names": CARRIERS,
    "tracking_labels": TRACKING_STATES,
    "shipment_status_labels": SHIPMENT_STATUSES,
    "stuck_labels": STUCK_REASONS,
    "order_parcel_filters": ORDER_PARCEL_FILTERS,
}


def carrier_name(carrier: str) -> str:
    return CARRIERS.get(carrier, carrier)


def buyer_note(parcel: Any) -> str:
    """The note about a stuck `parcel` (a shipping.parcels.Parcel) in the current language, naming its
    carrier, its waybill and what is wrong; "" when the parcel is not stuck."""
    template = BUYER_NOTES.get(parcel.stuck_reason or "")
    if template is None:
        return ""
    since: dt.datetime | None = parcel.stuck_since
    last = parcel.last_event
    return str(template) % {
        "carrier": carrier_name(parcel.carrier),
        "waybill": parcel.waybill or _("(no number yet)"),
        "since": format_date(since, "long") if since else "—",
        "what": (last.text or last.code) if last else str(STUCK_REASONS["problem"]),
    }


def strings(table: Mapping[str, Any]) -> dict[str, str]:
    """A label table as plain strings (labels only, tones dropped), for the CSV export."""
    return {code: str(label[0] if isinstance(label, tuple) else label) for code, label in table.items()}
