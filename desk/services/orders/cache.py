"""Short-lived answers kept per app (never per process): each app builds its own caches in
`desk.wiring`, so two apps in one process (tests, a worker beside a web app) never share them."""

from __future__ import annotations

from dataclasses import dataclass

from desk.services.shared.ttl import TtlCache


@dataclass(frozen=True)
class Caches:
    """The caches of one app."""

    delivery_methods: TtlCache[list[str]]  # names in the orders filter: a DISTINCT over every order
    carriers: TtlCache[list]  # per seller account: Allegro's carriers for tracking numbers
