"""What services need from the outside world, as protocols; desk.wiring provides the real ones."""
from __future__ import annotations

import datetime as dt
from typing import Protocol

from desk.services.shared.tokens import DbTokenStore, TokenCipher
from integrations.allegro import AllegroClient, OAuthClient


class AllegroGateway(Protocol):
    """Builds Allegro clients for seller accounts (tokens come from the database)."""

    oauth: OAuthClient
    cipher: TokenCipher

    def client_for(self, account_id: int) -> AllegroClient:
        """A client authorised as the given seller account."""
        ...

    def token_store(self, account_id: int) -> DbTokenStore:
        """The encrypted token store of one account."""
        ...


class Clock(Protocol):
    """Where schedules read the time (a benchmark runs one that goes faster than the wall clock)."""

    def now(self) -> dt.datetime:
        """The current time, tz-aware UTC."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait this many seconds of this clock's time."""
        ...
