"""Bad input is refused by every carrier before any request, with the field named (issue: postcodes,
phones, e-mail, IBAN for COD, sizes and weight, COD above the maximum, a locker without a point,
texts over the carrier's limit). Limits come from each adapter's own Capabilities."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal

import pytest

from integrations.carriers import CarrierPort, CarrierValidationError, CashOnDelivery, ParcelSpec
from tests.integrations.carriers.helpers import BOX, RECEIVER, request


@dataclass(frozen=True)
class Carrier:
    name: str
    start: Callable[[], contextlib.AbstractContextManager[tuple[CarrierPort, Callable[[], int]]]]
    courier: str  # a service that takes a parcel to the receiver's door, with COD
    point: str  # a service that needs the receiver's point


@contextlib.contextmanager
def _inpost() -> Iterator[tuple[CarrierPort, Callable[[], int]]]:
    from integrations.carriers.inpost.adapter import InPostAdapter
    from integrations.carriers.inpost.fake import DEFAULT_ORG, DEFAULT_TOKEN, serve_inpost

    with serve_inpost() as server:
        yield InPostAdapter(server.url, DEFAULT_TOKEN, DEFAULT_ORG), server.state.harness.count


@contextlib.contextmanager
def _dpd() -> Iterator[tuple[CarrierPort, Callable[[], int]]]:
    from integrations.carriers.dpd import DpdAdapter, DpdCredentials
    from integrations.carriers.dpd.fake import harness_of, serve_dpd

    with serve_dpd() as server:
        yield DpdAdapter(server.url, DpdCredentials("demo", "demo-password", 1495)), harness_of(server).count


@contextlib.contextmanager
def _poczta() -> Iterator[tuple[CarrierPort, Callable[[], int]]]:
    from integrations.carriers.poczta.adapter import PocztaAdapter
    from integrations.carriers.poczta.fake import ENADAWCA_PATH, harness_of, serve_poczta

    with serve_poczta() as server:
        yield PocztaAdapter(server.url + ENADAWCA_PATH, "sklep", "haslo-enadawca"), harness_of(server).count


CARRIERS = [
    Carrier("inpost", _inpost, "inpost_courier_standard", "inpost_locker_standard"),
    Carrier("dpd", _dpd, "dpd_classic", "dpd_pickup"),
    Carrier("poczta", _poczta, "pocztex_kurier", "pocztex_punkt"),
]


def _bad_requests(port: CarrierPort, carrier: Carrier):
    """(what, request, field the problem must name), built from the carrier's own limits."""
    caps = port.capabilities()
    courier = caps.service(carrier.courier)
    assert courier is not None and courier.parcel_limits is not None
    limits = courier.parcel_limits
    base = request(service=carrier.courier)
    iban = "PL61109010140000071219812874"
    longest = max(limits.max_length_mm, limits.max_width_mm, limits.max_height_mm)
    return [
        ("postcode", replace(base, receiver=replace(RECEIVER, postcode="00950")), "receiver.postcode"),
        ("phone", replace(base, receiver=replace(RECEIVER, phone="12345")), "receiver.phone"),
        ("e-mail", replace(base, receiver=replace(RECEIVER, email="jan@@example")), "receiver.email"),
        ("IBAN", replace(base, cod=CashOnDelivery(Decimal("10.00"), iban=iban[:-1] + "5")), "cod.iban"),
        (
            "COD max",
            replace(base, cod=CashOnDelivery(caps.cod_max + Decimal("0.01"), iban=iban)),
            "cod.amount",
        ),
        (
            "weight",
            replace(base, parcels=(replace(BOX, weight_g=limits.max_weight_g + 1),)),
            "parcels[0].weight_g",
        ),
        ("side", replace(base, parcels=(ParcelSpec(longest + 10, 100, 100, 1000),)), "parcels[0].dimensions"),
        ("reference", replace(base, reference="R" * (caps.field_limits.reference_max + 1)), "reference"),
        ("no point", request(service=carrier.point), "target_point"),
    ]


@pytest.mark.parametrize("carrier", CARRIERS, ids=lambda c: c.name)
def test_each_bad_field_is_refused_before_any_request(carrier: Carrier):
    with carrier.start() as (port, requests_made):
        port.validate(request(service=carrier.courier))  # the good request passes
        for what, bad, field in _bad_requests(port, carrier):
            with pytest.raises(CarrierValidationError) as refused:
                port.create_shipment(bad)
            assert field in refused.value.fields(), (carrier.name, what, refused.value.problems)
        assert requests_made() == 0
