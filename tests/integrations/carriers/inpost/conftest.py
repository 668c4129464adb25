"""Fixtures for the InPost adapter tests: a fake ShipX on 127.0.0.1 with a hand-moved clock, the real
adapter pointed at it, and a valid locker request to vary."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from integrations.carriers.base import Address, CashOnDelivery, ParcelSpec, ShipmentRequest
from integrations.carriers.fakekit import LoopbackServer
from integrations.carriers.inpost.adapter import InPostAdapter
from integrations.carriers.inpost.fake import (
    DEFAULT_ORG,
    DEFAULT_TOKEN,
    FakeInPostState,
    seed_demo,
    serve_inpost,
)
from tests.integrations.carriers.clock import HandClock

CREATE = "POST /v1/organizations/{org_id}/shipments"
LIST = "GET /v1/organizations/{org_id}/shipments"
GET = "GET /v1/shipments/{shipment_id}"


@pytest.fixture
def clock() -> HandClock:
    return HandClock(dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC))  # a Monday


@pytest.fixture
def fake(clock: HandClock) -> Iterator[LoopbackServer]:
    """A fresh fake ShipX with the demo points; processing moves one step per GET."""
    state = FakeInPostState(now=clock)
    seed_demo(state)
    server = serve_inpost(state)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def state(fake: LoopbackServer) -> FakeInPostState:
    return fake.state


@pytest.fixture
def adapter(fake: LoopbackServer, clock: HandClock) -> InPostAdapter:
    return InPostAdapter(fake.url, DEFAULT_TOKEN, DEFAULT_ORG, timeout=(2.0, 1.0), now=clock)


def make_request(**changes: Any) -> ShipmentRequest:
    """A valid locker shipment to KRA010; `changes` replace fields (receiver=..., parcels=...)."""
    base = ShipmentRequest(
        service="inpost_locker_standard",
        sender=Address(
            name="Jan Kowalski",
            street="Kwiatowa 5/3",
            city="Kraków",
            postcode="30-001",
            company="Sklep Jana",
            phone="+48 600 100 200",
            email="sklep@example.pl",
        ),
        receiver=Address(
            name="Anna Nowak",
            street="Polna 7",
            city="Warszawa",
            postcode="00-950",
            phone="601 200 300",
            email="anna@example.pl",
        ),
        parcels=(ParcelSpec(600, 350, 70, 2000, template="small"),),
        idempotency_key="desk-key-1",
        reference="ORDER-123",
        target_point="KRA010",
    )
    return dataclasses.replace(base, **changes)


def courier_request(**changes: Any) -> ShipmentRequest:
    """A valid courier shipment with COD to a bank account."""
    request = make_request(
        service="inpost_courier_standard",
        target_point="",
        parcels=(ParcelSpec(400, 300, 200, 3500), ParcelSpec(300, 200, 100, 1200)),
        cod=CashOnDelivery(Decimal("149.99"), iban="PL61109010140000071219812874"),
        additional_services=("sms",),
    )
    return dataclasses.replace(request, **changes)


def receiver(**changes: Any) -> Address:
    return dataclasses.replace(make_request().receiver, **changes)
