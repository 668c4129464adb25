"""A clock the carrier tests move by hand: the fakes and the adapters call it for the time."""

from __future__ import annotations

import datetime as dt


class HandClock:
    """`clock()` is the time; `clock.now` may be set, `advance()` moves it on."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)
