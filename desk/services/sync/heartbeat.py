"""Keeping a running sync's lease alive from a thread with its own database connection.

The lease is short, so a killed process frees its account within about a minute. While the
process is alive, the heartbeat renews the lease every third of its lifetime, whatever the sync
is doing: a slow Allegro answer or a long page never lets it expire. The renewal runs in its own
short transaction on the engine, never in the sync's session, whose page transaction may stay
open for a long time.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine
from sqlalchemy.pool import StaticPool

from desk.services.sync.lease import extend_lease

log = logging.getLogger(__name__)


class LeaseLost(Exception):
    """Another process took the account's lease while this sync ran; the sync must stop writing."""

    def __init__(self, account_id: int, holder: str) -> None:
        self.account_id, self.holder = account_id, holder
        super().__init__(
            f"lease_lost: account {account_id}'s sync lease was taken over while {holder} was syncing it;"
            " the sync stopped"
        )


class Heartbeat:
    """Renews `holder`'s lease of an account every `ttl_seconds / 3` until stopped.

    Use as a context manager, or start() and stop(). A beat that fails (database locked, a
    dropped connection) is logged and retried at the next beat. A beat that finds the lease held
    by someone else stops the heartbeat and makes check() raise LeaseLost.
    """

    def __init__(self, engine: Engine, account_id: int, holder: str, *, ttl_seconds: float) -> None:
        self.engine, self.account_id, self.holder = engine, account_id, holder
        self.ttl_seconds = ttl_seconds
        self.interval = ttl_seconds / 3
        self._stopping = threading.Event()
        self._lost = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"lease-heartbeat-{account_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def lost(self) -> bool:
        """True once a beat found the lease held by another process."""
        return self._lost.is_set()

    def start(self) -> None:
        """Start beating in a daemon thread (not on a one-connection in-memory database, which no
        other process can reach and whose only connection is the sync's own)."""
        if isinstance(self.engine.pool, StaticPool):
            return
        self._thread.start()

    def stop(self) -> None:
        """Stop beating and wait for a beat in progress to end."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()

    def check(self) -> None:
        """Raise LeaseLost if a beat found the lease taken over."""
        if self.lost:
            raise LeaseLost(self.account_id, self.holder)

    def _beat(self) -> None:
        while not self._stopping.wait(self.interval):
            if not self._renew():
                self._lost.set()
                log.error("sync lease of account %s was taken over; %s stops", self.account_id, self.holder)
                return

    def _renew(self) -> bool:
        """False only when the lease is someone else's; a failed beat counts as still ours."""
        try:
            return extend_lease(self.engine, self.account_id, self.holder, ttl_seconds=self.ttl_seconds)
        except Exception:  # any failure of one beat must leave the sync running; the next beat retries
            log.warning("renewing the sync lease of account %s failed; retrying in %.1f s",
                        self.account_id, self.interval, exc_info=True)
            return True
