"""A failed batch row corrected beyond its address: the parcel (another preset, or sides and weight typed)
and the service, where the row's problems name them; wrong input is refused field by field and nothing
is written."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import BatchItemStatus, SellerAccount, Shipment
from desk.services.shipping import bulk, codec, presets
from desk.services.shipping.dispatch import ShipmentRefused
from desk.wiring.carriers import FAKE_CARRIERS
from tests.services.shipping.bulk_helpers import CREATE, make_account, make_order, ports


@pytest.fixture
def account(app) -> SellerAccount:
    return make_account()


@pytest.fixture
def port_for(app):
    return ports(app)


@pytest.fixture
def inpost(app, port_for):
    return app.extensions[FAKE_CARRIERS]["inpost"].server.state


def _long_preset(account) -> int:
    """A preset with a side longer than InPost's courier takes (120 cm)."""
    return presets.add_preset(
        account.id, name="Rura", length_cm="130", width_cm="20", height_cm="10", weight_kg="1"
    ).id


def _row_to_correct(account, port_for):
    order = make_order(account)
    batch = bulk.start([order.id], None, port_for, preset=_long_preset(account), key="long")
    (item,) = batch.items
    return order, item


def test_a_parcel_too_long_joins_the_batch_with_the_parcel_fields_offered(account, port_for, inpost):
    _order, item = _row_to_correct(account, port_for)
    assert item.status is BatchItemStatus.FAILED and item.attempts == 0
    assert [p["field"] for p in item.problems] == ["parcels[0].dimensions"]
    assert bulk.fix_groups(item) == {"receiver", "parcel"}
    values = bulk.fixable_values(item)
    assert (values["length_cm"], values["width_cm"], values["weight_kg"]) == ("130", "20", "1")
    assert inpost.harness.count(CREATE) == 0


def test_typed_sides_and_weight_correct_the_parcel(account, port_for, inpost):
    _order, item = _row_to_correct(account, port_for)
    fixes = bulk.fixable_values(item) | {"length_cm": "60", "weight_kg": "2,5"}
    bulk.retry_item(item.id, None, port_for, fixes)
    assert item.status is BatchItemStatus.WAITING
    parcel = codec.decode(item.request).parcels[0]
    assert (parcel.length_mm, parcel.width_mm, parcel.height_mm, parcel.weight_g) == (600, 200, 100, 2500)
    assert item.price_gross > 0
    assert bulk.run_due(port_for) == {"sent": 1, "failed": 0}
    assert inpost.harness.count(CREATE) == 1


def test_another_preset_corrects_the_parcel(account, port_for, inpost):
    _order, item = _row_to_correct(account, port_for)
    karton = next(p for p in presets.presets_of(account.id) if p.name == "Karton")
    fixes = {"preset": str(karton.id), "length_cm": "130"}  # the preset wins over the typed sides
    bulk.retry_item(item.id, None, port_for, fixes)
    assert codec.decode(item.request).parcels[0].length_mm == 300
    assert bulk.run_due(port_for) == {"sent": 1, "failed": 0}


def test_wrong_parcel_input_is_refused_field_by_field_and_nothing_is_written(account, port_for, inpost):
    _order, item = _row_to_correct(account, port_for)
    before = dict(item.request)
    other = SellerAccount(name="Cudzy")
    db.session.add(other)
    db.session.commit()
    foreign = presets.add_preset(other.id, name="Obcy", length_cm="10", width_cm="10", height_cm="10",
                                 weight_kg="1")
    with pytest.raises(bulk.FixRefused) as refused:
        bulk.retry_item(item.id, None, port_for, {"length_cm": "dużo", "weight_kg": ""})
    assert {e.field for e in refused.value.errors} == {"length_cm", "width_cm", "height_cm", "weight_kg"}
    with pytest.raises(bulk.FixRefused) as refused:
        bulk.retry_item(item.id, None, port_for, {"preset": str(foreign.id)})
    assert [e.field for e in refused.value.errors] == ["preset"]
    with pytest.raises(ShipmentRefused) as carrier:  # still too long: the carrier's check, next to the sides
        bulk.retry_item(item.id, None, port_for, bulk.fixable_values(item) | {"length_cm": "125"})
    assert [bulk.form_field(p.field) for p in carrier.value.problems] == ["length_cm"]
    db.session.refresh(item)
    assert item.status is BatchItemStatus.FAILED and item.request["receiver"] == before["receiver"]
    assert inpost.harness.count(CREATE) == 0


def test_a_service_the_carrier_refuses_is_corrected_with_another_of_its_services(account, port_for, inpost):
    order = make_order(account)
    batch = bulk.start([order.id], None, port_for, key="service")
    refusal = {"status": 400, "error": "validation_failed", "message": "There are some validation errors.",
               "details": {"service": ["invalid"]}}  # e.g. not in the seller's contract
    inpost.harness.fail_next(CREATE, 400, body=json.dumps(refusal))
    assert bulk.run_due(port_for) == {"sent": 0, "failed": 1}
    (item,) = batch.items
    assert [p["field"] for p in item.problems] == ["service"]
    assert bulk.fix_groups(item) == {"receiver", "service"}
    offered = dict(bulk.fix_choices(port_for, item).services)
    assert "inpost_courier_express_1200" in offered and "dpd_classic" not in offered
    with pytest.raises(bulk.FixRefused) as refused:
        bulk.retry_item(item.id, None, port_for, {"service": "dpd_classic"})  # another carrier's service
    assert [e.field for e in refused.value.errors] == ["service"]
    bulk.retry_item(item.id, None, port_for, {"service": "inpost_courier_express_1200"})
    assert item.service == "inpost_courier_express_1200" and item.quote["request"]["service"] == item.service
    assert bulk.run_due(port_for) == {"sent": 1, "failed": 0}
    shipment = db.session.scalar(select(Shipment).where(Shipment.order_id == order.id,
                                                        Shipment.service == "inpost_courier_express_1200"))
    assert shipment is not None and db.session.scalar(select(func.count(Shipment.id))) == 2  # refused + sent
