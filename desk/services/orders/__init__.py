"""Orders: the list and detail pages, the sync of checkout forms, and writes back to Allegro.

Other areas' views reach this area through the names below."""

from desk.services.orders.actions import (
    CONFLICT_CODES,
    SETTABLE_STATUSES,
    SKIP_CANCELLED,
    SKIP_HIDDEN,
    SKIP_SAME,
)
from desk.services.orders.listing import to_ship_count

__all__ = [
    "CONFLICT_CODES",
    "SETTABLE_STATUSES",
    "SKIP_CANCELLED",
    "SKIP_HIDDEN",
    "SKIP_SAME",
    "to_ship_count",
]
