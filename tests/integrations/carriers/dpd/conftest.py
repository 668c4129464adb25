"""Fixtures for the DPD adapter: a fake DPD on 127.0.0.1 with a hand-moved clock, and an adapter
pointed at it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from integrations.carriers.base import Address, CashOnDelivery, ParcelSpec, ShipmentRequest
from integrations.carriers.dpd import DpdAdapter, DpdCredentials
from integrations.carriers.dpd.fake import DpdFakeState, harness_of, seed_demo, serve_dpd
from integrations.carriers.fakekit import FakeHarness, LoopbackServer
from tests.integrations.carriers.clock import HandClock

CREDENTIALS = DpdCredentials("demo", "demo-password", 1495, info_password="demo-info", info_channel="desk")


@pytest.fixture
def clock() -> HandClock:
    return HandClock(dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC))  # a Monday, 09:00 in Warsaw


@pytest.fixture
def server(clock: HandClock) -> Iterator[LoopbackServer]:
    running = serve_dpd(seed_demo(DpdFakeState(now=clock)))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def state(server: LoopbackServer) -> DpdFakeState:
    return server.state


@pytest.fixture
def harness(server: LoopbackServer) -> FakeHarness:
    return harness_of(server)


@pytest.fixture
def adapter(server: LoopbackServer, clock: HandClock) -> DpdAdapter:
    return DpdAdapter(server.url, CREDENTIALS, timeout=(2.0, 1.0), now=clock)


SENDER = Address(
    name="Jan Nowak",
    company="Sklep Nowak",
    street="Kwiatowa 5",
    city="Warszawa",
    postcode="00-950",
    phone="600100200",
)
RECEIVER = Address(
    name="Anna Kowalska",
    street="Polna",
    building="3",
    flat="2",
    city="Kraków",
    postcode="31-042",
    phone="+48 601 200 300",
    email="anna@example.pl",
)


def make_request(key: str = "key-1", **changes: object) -> ShipmentRequest:
    """A valid DPD Classic request with COD; `changes` replace fields."""
    base = {
        "service": "dpd_classic",
        "sender": SENDER,
        "receiver": RECEIVER,
        "parcels": (ParcelSpec(300, 200, 105, 1500, content="Książki"),),
        "idempotency_key": key,
        "reference": "ORD-1",
        "cod": CashOnDelivery(Decimal("149.99"), iban="PL61109010140000071219812874"),
    }
    base.update(changes)
    return ShipmentRequest(**base)  # type: ignore[arg-type]
