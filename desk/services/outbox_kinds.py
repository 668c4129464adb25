"""Every kind of write the desk sends to Allegro, gathered by plain imports from each area's
`writes.HANDLERS`, so a reader, the linter and the import graph all see the complete list.

Areas deliver their own writes with their own table; the scheduler and start-up checks use
HANDLERS below. A queued row whose kind is in none of them stops start-up (`check_queue`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from desk.services import outbox
from desk.services.issues import writes as issue_writes
from desk.services.orders import writes as order_writes
from desk.services.ports import AllegroGateway
from desk.services.ratings import writes as rating_writes


def merge(*tables: outbox.Handlers) -> Mapping[str, outbox.Handler]:
    """One read-only table of several areas' handlers; two areas claiming one kind is an error."""
    merged: dict[str, outbox.Handler] = {}
    for table in tables:
        clash = merged.keys() & table.keys()
        if clash:
            raise ValueError(f"outbox kinds declared twice: {', '.join(sorted(clash))}")
        merged.update(table)
    return MappingProxyType(merged)


HANDLERS = merge(order_writes.HANDLERS, issue_writes.HANDLERS, rating_writes.HANDLERS)


def check_queue() -> None:
    """Refuse to start sending while a queued write has a kind no area handles (raises
    outbox.UnknownWriteKind): such a row would otherwise wait forever, unsent and unnoticed."""
    unknown = outbox.unknown_kinds(HANDLERS)
    if unknown:
        raise outbox.UnknownWriteKind(unknown)


def deliver_due(gateway: AllegroGateway, *, limit: int = 100) -> dict[str, int]:
    """Send every due write of every kind (the scheduler's job)."""
    return outbox.deliver_due(gateway, HANDLERS, limit=limit)
