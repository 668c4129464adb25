"""The public price list a fresh desk starts with prices every service and every additional service the
shipment form offers (the carriers' Capabilities), up to the heaviest parcel each service takes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desk.services.shipping import Parcel, ensure_public_price_list, quote
from desk.services.shipping.pricing.catalog import INPOST_GABARYT, service_info
from desk.wiring.carriers import BROKER_CARRIERS, get_carriers

TODAY = dt.date(2026, 12, 3)


def _offered(app) -> list[tuple[str, object]]:
    gateway = get_carriers(app)
    return [
        (carrier, service)
        for carrier in BROKER_CARRIERS
        for service in gateway.port(carrier, account_id=1).capabilities().services
    ]


def _parcels(carrier: str, service) -> list[Parcel]:
    """A small parcel and the heaviest one the service takes, of each size class it is priced by."""
    info = service_info(carrier, service.code)
    heaviest = service.parcel_limits.max_weight_g
    sizes = info.size_classes or ("",)
    return [Parcel(weight_g=grams, length_mm=300, width_mm=200, height_mm=80, size_class=size)
            for size in sizes for grams in (500, heaviest)]


def test_every_service_the_form_offers_has_a_quote_at_every_weight_it_takes(app):
    ensure_public_price_list(today=TODAY)
    offered = _offered(app)
    missing_before = {"inpost_courier_express_1000", "inpost_courier_express_1200", "inpost_courier_c2c",
                      "inpost_courier_express_1700", "dpd_pickup", "pocztex_punkt", "paczka_pocztowa"}
    assert missing_before <= {service.code for _, service in offered}
    for carrier, service in offered:
        for parcel in _parcels(carrier, service):
            found = quote(None, carrier=carrier, service=service.code, parcels=[parcel], at=TODAY)
            assert found.priced, (carrier, service.code, parcel, getattr(found, "reasons", None))
            assert found.gross > 0


def test_every_additional_service_offered_has_a_price(app):
    ensure_public_price_list(today=TODAY)
    for carrier, service in _offered(app):
        sizes = service_info(carrier, service.code).size_classes
        parcel = Parcel(weight_g=1000, length_mm=300, width_mm=200, height_mm=80,
                        size_class=sizes[0] if sizes else "")
        found = quote(None, carrier=carrier, service=service.code, parcels=[parcel], at=TODAY,
                      additional_services=service.additional_services, cod_amount=Decimal("150.00"),
                      insurance=Decimal("150.00"))
        assert found.priced, (carrier, service.code, getattr(found, "reasons", None))
        codes = {line.code for line in found.lines}
        assert codes == {"parcel", "cod", "insurance", *service.additional_services}


@pytest.mark.parametrize(
    ("service", "express_extra"),
    [("inpost_courier_express_1700", "6.00"), ("inpost_courier_express_1200", "12.00"),
     ("inpost_courier_express_1000", "22.00")],
)
def test_express_costs_standard_plus_its_surcharge(app, service, express_extra):
    ensure_public_price_list(today=TODAY)
    parcel = Parcel(weight_g=4000, length_mm=300, width_mm=200, height_mm=80)
    standard = quote(None, carrier="inpost", service="inpost_courier_standard", parcels=[parcel], at=TODAY)
    express = quote(None, carrier="inpost", service=service, parcels=[parcel], at=TODAY)
    assert express.net - standard.net == Decimal(express_extra)


def test_a_dpd_guarantee_by_half_past_nine_costs_more_than_by_noon(app):
    ensure_public_price_list(today=TODAY)
    parcel = Parcel(weight_g=1000, length_mm=300, width_mm=200, height_mm=80)
    early, noon = (
        quote(None, carrier="dpd", service="dpd_classic", parcels=[parcel], at=TODAY,
              additional_services=[code])
        for code in ("time0930", "time1200")
    )
    assert early.gross > noon.gross > 0


def test_the_largest_boxes_of_services_priced_by_size_have_a_price_despite_their_dimensional_weight(app):
    ensure_public_price_list(today=TODAY)
    c2c_d = Parcel(weight_g=25_000, length_mm=800, width_mm=500, height_mm=500,
                   size_class=INPOST_GABARYT["xlarge"])
    # girth 1500 + 2 × (375 + 375) = 3000 mm, the most gabaryt B takes
    gabaryt_b = Parcel(weight_g=20_000, length_mm=1500, width_mm=375, height_mm=375, size_class="B")
    assert c2c_d.dimensional_g() > 33_000 and gabaryt_b.dimensional_g() > 35_000
    for carrier, service, parcel in (("inpost", "inpost_courier_c2c", c2c_d),
                                     ("poczta", "paczka_pocztowa", gabaryt_b)):
        assert quote(None, carrier=carrier, service=service, parcels=[parcel], at=TODAY).priced
