"""FakeAllegroState: everything the fake knows, plus the test handle to arrange it and look inside.

The state is shared by the server's threads; every mutation happens under one re-entrant lock.
The parts live in mixins (auth, orders, shipments, issues, messaging, ratings, bulk orders, faults,
request log)
to keep modules small.
"""
from __future__ import annotations

import datetime as dt
import random
import threading
from collections.abc import Callable
from typing import Any

from integrations.allegro.fake.faults import FaultsMixin
from integrations.allegro.fake.request_log import RequestLogMixin
from integrations.allegro.fake.state import data
from integrations.allegro.fake.state.auth import AuthStateMixin
from integrations.allegro.fake.state.bulk import BulkMixin
from integrations.allegro.fake.state.issues import IssuesStateMixin
from integrations.allegro.fake.state.messaging import MessagingStateMixin
from integrations.allegro.fake.state.orders import OrdersStateMixin
from integrations.allegro.fake.state.ratings import RatingsStateMixin
from integrations.allegro.fake.state.shipment_management import ShipmentManagementMixin
from integrations.allegro.fake.state.shipments import ShipmentsMixin
from integrations.allegro.fake.timeutil import to_utc, utcnow


class FakeAllegroState(
    AuthStateMixin,
    OrdersStateMixin,
    ShipmentsMixin,
    ShipmentManagementMixin,
    IssuesStateMixin,
    MessagingStateMixin,
    RatingsStateMixin,
    BulkMixin,
    FaultsMixin,
    RequestLogMixin,
):
    """Sellers, tokens, orders, events, shipments, faults and the request log of one fake Allegro.

    `clock` replaces the wall clock (tests freeze or advance time with it); `seed` makes generated
    data repeatable.
    """

    def __init__(self, *, clock: Callable[[], dt.datetime] | None = None, seed: int = 0) -> None:
        self._lock = threading.RLock()
        self._clock = clock or utcnow
        self.rng = random.Random(seed)
        self._rng = self.rng
        self.sellers: dict[str, dict[str, Any]] = {}
        self.violations: list[str] = []
        self.rate_limit_per_minute: int | None = None
        self._rate_window: tuple[int, int] = (0, 0)  # (minute number, requests in it)
        self._init_auth()
        self._init_orders()
        self._init_shipments()
        self._init_shipment_management()
        self._init_issues()
        self._init_messaging()
        self._init_ratings()
        self._init_faults()
        self._init_request_log()

    @property
    def lock(self) -> threading.RLock:
        """The lock guarding the state; hold it to arrange several changes atomically."""
        return self._lock

    def now(self) -> dt.datetime:
        """The fake's current time, tz-aware UTC."""
        return to_utc(self._clock())

    def add_seller(self, login: str) -> str:
        """Create a seller account and return its numeric id (a string, as Allegro sends it)."""
        with self._lock:
            seller_id = str(self._rng.randint(40_000_000, 49_999_999))
            while seller_id in self.sellers:
                seller_id = str(int(seller_id) + 1)
            female = self._rng.random() < 0.5
            first = self._rng.choice(data.FEMALE_FIRST_NAMES if female else data.MALE_FIRST_NAMES)
            surname = self._rng.choice(data.SURNAMES)
            last = data.feminine_surname(surname) if female else surname
            nip = data.random_nip(self._rng)
            self.sellers[seller_id] = {
                "id": seller_id,
                "login": login,
                "firstName": first,
                "lastName": last,
                "email": f"{data.ascii_fold(login).lower()}@example.pl",
                "baseMarketplace": {"id": "allegro-pl"},
                "company": {"name": f"{login} {last}", "taxId": nip},
                "features": [],
            }
            return seller_id

    def record_violation(self, violation: str) -> None:
        """Remember a request that broke the spec (tests assert this list stays empty)."""
        with self._lock:
            self.violations.append(violation)

    def rate_limited(self) -> int | None:
        """Count one API request; seconds until the minute ends when over the limit, else None."""
        with self._lock:
            if self.rate_limit_per_minute is None:
                return None
            now = self.now()
            minute = int(now.timestamp()) // 60
            window, count = self._rate_window
            count = count + 1 if window == minute else 1
            self._rate_window = (minute, count)
            if count <= self.rate_limit_per_minute:
                return None
            return max(1, 60 - now.second)
