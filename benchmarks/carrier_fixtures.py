"""Each carrier's adapter on its own fake, for the shipments benchmark: create until the carrier
confirms, fetch a label, count what the fake received."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal

from integrations.carriers import (
    Address,
    CarrierPort,
    CarrierShipment,
    CashOnDelivery,
    LabelFormat,
    LabelSize,
    ParcelSpec,
    ShipmentRequest,
    ShipmentState,
)

SENDER = Address(
    name="Sklep Ania",
    company="Ania sp. z o.o.",
    street="Piotrkowska",
    building="12",
    city="Łódź",
    postcode="90-001",
    phone="600100200",
    email="sklep@example.pl",
)
RECEIVER = Address(
    name="Jan Kowalski",
    street="Kwiatowa",
    building="5",
    flat="3",
    city="Kraków",
    postcode="30-001",
    phone="600200300",
    email="jan@example.pl",
)
BOX = ParcelSpec(length_mm=300, width_mm=200, height_mm=100, weight_g=1200)
IBAN = "PL61109010140000071219812874"
POLLS = 20  # an asynchronous carrier must confirm within this many reads


@dataclass
class Run:
    """One adapter against one running fake."""

    port: CarrierPort
    request: Callable[[int], ShipmentRequest]
    count_requests: Callable[[], int]

    def create(self, index: int) -> CarrierShipment:
        """Create shipment `index` and read it until the carrier confirms it."""
        shipment = self.port.create_shipment(self.request(index))
        for _ in range(POLLS):
            if shipment.state is not ShipmentState.PENDING:
                break
            shipment = self.port.get_shipment(shipment.shipment_id)
        assert shipment.state is ShipmentState.CONFIRMED, shipment
        return shipment

    def label(self, shipment: CarrierShipment) -> bytes:
        return self.port.labels([shipment.shipment_id], format=LabelFormat.PDF, size=LabelSize.A6).content

    def requests(self) -> int:
        return self.count_requests()


@dataclass
class Scenario:
    name: str
    start: Callable[[], contextlib.AbstractContextManager[Run]]
    notes: str = ""
    extra: dict = field(default_factory=dict)


def _request(service: str, index: int, **changes) -> ShipmentRequest:
    cod = CashOnDelivery(Decimal("149.99"), iban=IBAN) if index % 3 == 0 else None
    base = ShipmentRequest(
        service=service,
        sender=SENDER,
        receiver=RECEIVER,
        parcels=(BOX,),
        idempotency_key=f"bench-{service}-{index}",
        reference=f"ZAM-{index:05d}",
        cod=cod,
    )
    return replace(base, **changes)


@contextlib.contextmanager
def _inpost() -> Iterator[Run]:
    from integrations.carriers.inpost.adapter import InPostAdapter
    from integrations.carriers.inpost.fake import DEFAULT_ORG, DEFAULT_TOKEN, serve_inpost

    with serve_inpost() as server:
        port = InPostAdapter(server.url, DEFAULT_TOKEN, DEFAULT_ORG)
        yield Run(port, lambda i: _request("inpost_courier_standard", i), server.state.harness.count)


@contextlib.contextmanager
def _dpd() -> Iterator[Run]:
    from integrations.carriers.dpd import DpdAdapter, DpdCredentials
    from integrations.carriers.dpd.fake import harness_of, serve_dpd

    credentials = DpdCredentials(
        "demo", "demo-password", 1495, info_password="demo-info", info_channel="desk"
    )
    with serve_dpd() as server:
        port = DpdAdapter(server.url, credentials)
        yield Run(port, lambda i: _request("dpd_classic", i), harness_of(server).count)


@contextlib.contextmanager
def _poczta() -> Iterator[Run]:
    from integrations.carriers.poczta.adapter import PocztaAdapter
    from integrations.carriers.poczta.fake import ENADAWCA_PATH, harness_of, serve_poczta

    with serve_poczta() as server:
        port = PocztaAdapter(server.url + ENADAWCA_PATH, "sklep", "haslo-enadawca")
        yield Run(port, lambda i: _request("pocztex_kurier", i), harness_of(server).count)


@contextlib.contextmanager
def _allegro() -> Iterator[Run]:
    from integrations.allegro import AllegroClient, MemoryTokenStore, OAuthClient, TokenManager, TokenPair
    from integrations.allegro.auth import utcnow
    from integrations.allegro.carrier import AllegroDeliveryCarrier
    from integrations.allegro.fake import FakeAllegroState, serve_fake
    from integrations.allegro.fake.state.auth import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

    state = FakeAllegroState()
    state.wza_processing = dt.timedelta(0)  # commands done by the first status read (Allegro: up to 45 s)
    seller = state.add_seller("sklep_bench")
    with serve_fake(state) as server:
        pair = TokenPair.from_response(state.issue_token(seller), utcnow())
        tokens = TokenManager(
            MemoryTokenStore(pair), OAuthClient(server.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
        )
        # the fake answers a command at once; Retry-After pauses are not what is measured here
        port = AllegroDeliveryCarrier(AllegroClient(server.url, tokens), sleep=lambda _: None)

        def request(index: int) -> ShipmentRequest:
            form = state.add_wza_order(seller, "Allegro Kurier DPD")
            receiver = replace(RECEIVER, email=form["buyer"]["email"])
            return _request("DPD", index, receiver=receiver, order_id=form["id"], cod=None)

        yield Run(port, request, lambda: state.request_count())


SCENARIOS = [
    Scenario("InPost ShipX (courier, async: created -> offers -> confirmed)", _inpost),
    Scenario("DPD (SOAP: postcode check, package numbers)", _dpd),
    Scenario("Poczta Polska e-Nadawca (SOAP: shipment into the envelope buffer)", _poczta),
    Scenario("Wysyłam z Allegro (create command, status poll, shipment read)", _allegro),
]
