"""Fixtures: the fake Poczta Polska over HTTP on 127.0.0.1 and the real adapter pointed at it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from integrations.carriers.addresses import WARSAW
from integrations.carriers.base import Address, CashOnDelivery, ParcelSpec, ShipmentRequest
from integrations.carriers.poczta.adapter import PocztaAdapter
from integrations.carriers.poczta.fake import (
    ENADAWCA_PATH,
    SLEDZENIE_PATH,
    PocztaState,
    harness_of,
    serve_poczta,
)
from tests.integrations.carriers.clock import HandClock

NOW = dt.datetime(2026, 10, 5, 10, 0, tzinfo=WARSAW)  # a Monday


@pytest.fixture
def clock() -> HandClock:
    return HandClock(NOW)


@pytest.fixture
def fake(clock):
    """The running fake with the demo points; every request must satisfy the WSDL's schema."""
    server = serve_poczta(PocztaState(now=clock), demo=True)
    try:
        yield server
        assert server.state.violations == [], server.state.violations
    finally:
        server.stop()


@pytest.fixture
def harness(fake):
    return harness_of(fake)


def make_adapter(fake, clock, **overrides) -> PocztaAdapter:
    options = {
        "tracking_url": fake.url + SLEDZENIE_PATH,
        "tracking_username": "sledzeniepp",
        "tracking_password": "PPSA",
        "today": lambda: clock().date(),
        "sleep": lambda seconds: None,
        "timeout": (2.0, 5.0),
    }
    options.update(overrides)
    login = options.pop("login", "sklep")
    password = options.pop("password", "haslo-enadawca")
    return PocztaAdapter(fake.url + ENADAWCA_PATH, login, password, **options)


@pytest.fixture
def adapter(fake, clock) -> PocztaAdapter:
    return make_adapter(fake, clock)


SENDER = Address(
    name="Anna Sprzedawczyni",
    company="Sklep Ania",
    street="Kwiatowa 5/3",
    city="Warszawa",
    postcode="00-950",
    phone="+48 600 100 200",
    email="sklep@example.pl",
)
RECEIVER = Address(
    name="Jan Kowalski",
    street="ul. Długa 12A m. 4",
    city="Kraków",
    postcode="31-147",
    phone="601 200 300",
    email="jan.kowalski@example.pl",
)
IBAN = "PL61109010140000071219812874"


def request_for(service: str = "pocztex_kurier", key: str = "ship-1", **changes) -> ShipmentRequest:
    """A valid request for the service, with `changes` applied."""
    values = {
        "service": service,
        "sender": SENDER,
        "receiver": RECEIVER,
        "parcels": (ParcelSpec(300, 200, 100, 1250, template="M" if service != "paczka_pocztowa" else ""),),
        "idempotency_key": key,
        "reference": "ZAM-2026-001",
    }
    if service == "pocztex_punkt":
        values["target_point"] = "220001"
    values.update(changes)
    return ShipmentRequest(**values)


def cod(amount: str = "149.99") -> CashOnDelivery:
    return CashOnDelivery(Decimal(amount), iban=IBAN)
