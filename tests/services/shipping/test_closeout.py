"""The close-out services on the in-process carrier fakes: merged labels kept once, the packing list,
the day's view, protocols and courier pickups on working days called exactly once."""

from __future__ import annotations

import datetime as dt
import io
import math

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from desk.extensions import db
from desk.models import Pickup, PickupStatus, ShipmentEvent, ShipmentLabel
from desk.orm import utcnow
from desk.services.errors import NotFoundError
from desk.services.shipping.closeout import day as closeout
from desk.services.shipping.closeout import labels, packing, pickups
from desk.services.shipping.closeout.pickups import PickupFormError, PickupOrder
from tests.services.shipping.closeout_helpers import (
    DISPATCH,
    LABEL,
    inpost_state,
    labelled,
    make_account,
    make_order,
    port_for_app,
)


@pytest.fixture
def inpost(app):
    return inpost_state(app)


@pytest.fixture
def port_for(app):
    return port_for_app(app)


@pytest.fixture
def account(app):
    return make_account()


def pages(content: bytes) -> list:
    return PdfReader(io.BytesIO(content)).pages


@pytest.mark.parametrize("count", [1, 4, 5])
def test_a6_is_a_page_per_label_and_a4_four_to_a_page(app, inpost, port_for, account, count):
    shipments = [labelled(app, account) for _ in range(count)]
    a6 = labels.download(port_for, shipments, "a6")
    a4 = labels.download(port_for, shipments, "a4")
    assert a6.media_type == "application/pdf" and len(pages(a6.content)) == count
    assert len(pages(a4.content)) == math.ceil(count / 4)
    first = pages(a4.content)[0].mediabox
    assert round(float(first.width)) == 595 and round(float(first.height)) == 842
    assert inpost.harness.count(LABEL) == count  # A4 sheets are composed from the kept A6 labels


def test_zpl_is_one_text_file_with_a_block_per_label(app, inpost, port_for, account):
    shipments = [labelled(app, account) for _ in range(3)]
    document = labels.download(port_for, shipments, "zpl")
    text = document.content.decode()
    assert document.filename.endswith(".zpl") and text.count("^XA") == 3 and text.count("^XZ") == 3


def test_a_label_is_asked_of_the_carrier_once(app, inpost, port_for, account):
    shipment = labelled(app, account)
    first = labels.download(port_for, [shipment], "a6")
    again = labels.download(port_for, [shipment], "a4")
    assert inpost.harness.count(LABEL) == 1
    assert len(pages(first.content)) == 1 and len(pages(again.content)) == 1
    assert db.session.scalar(select(db.func.count(ShipmentLabel.id))) == 1


def test_an_unconfirmed_or_foreign_shipment_has_no_label(app, inpost, port_for, account):
    inpost.gets_per_step = None  # the fake keeps it unconfirmed
    waiting = labelled(app, account, confirm=False)
    with pytest.raises(labels.LabelsUnavailable):
        labels.download(port_for, [waiting], "a6")
    other = make_account("Inny sklep")
    with pytest.raises(NotFoundError):
        labels.shipments_of(other.id, [waiting.id])
    assert inpost.harness.count(LABEL) == 0


def test_the_packing_list_names_order_buyer_sku_and_quantity(app, inpost, account):
    order = make_order(account, "ZAM-7", [("Kubek ceramiczny żółty", "KUB-01", 2), ("Łyżeczka", "LYZ-9", 5)])
    shipments = [
        labelled(app, account, order=order),
        labelled(app, account, order=order),
        labelled(app, account),
    ]
    document = packing.packing_list(shipments)
    reader = PdfReader(io.BytesIO(document.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert text.count("Zamówienie ZAM-7") == 1  # two parcels of one order: listed once
    assert "Zofia Żółkiewska (zosia_kupuje)" in text
    assert "Kubek ceramiczny żółty" in text and "KUB-01" in text and "LYZ-9" in text
    assert "bez zamówienia" in text and "Ilość" in text


def test_the_day_groups_by_carrier_and_mode_and_finds_unlabelled_and_unscanned(
    app, inpost, port_for, account
):
    courier = [labelled(app, account), labelled(app, account)]
    at_point = labelled(app, account, dropoff="KRA01M")
    labels.download(port_for, [courier[0]], "a6")
    yesterday = labelled(app, account)
    yesterday.created_at = utcnow() - dt.timedelta(days=1)
    scanned = labelled(app, account)
    scanned.created_at = utcnow() - dt.timedelta(days=1)
    db.session.add(
        ShipmentEvent(shipment_id=scanned.id, waybill="x", code="collected", at=utcnow(), state="handed_over")
    )
    db.session.commit()

    view = closeout.day_view(port_for, account.id, closeout.today())
    [group] = view.carriers
    assert group.carrier == "inpost" and group.needs_protocol and group.offers_pickups
    assert [s.id for s in group.pickup] == [s.id for s in courier]
    assert [s.id for s in group.dropoff] == [at_point.id]
    assert [s.id for s in view.unlabelled] == [courier[1].id, at_point.id]
    assert [s.id for s in view.not_scanned] == [yesterday.id]
    other = make_account("Inny sklep")
    assert closeout.day_view(port_for, other.id, closeout.today()).carriers == []


def test_the_protocol_comes_from_the_carrier_and_none_means_none_needed(app, inpost, port_for, account):
    labelled(app, account)
    document = closeout.protocol(port_for, account.id, "inpost", closeout.today())
    assert document is not None and len(pages(document.content)) >= 1

    class NoProtocolCarrier:  # a carrier without handover protocols, on the real InPost adapter
        def __init__(self, port):
            self.port = port

        def __getattr__(self, name):
            return getattr(self.port, name)

        def capabilities(self):
            import dataclasses

            return dataclasses.replace(self.port.capabilities(), protocol=False)

    without = lambda carrier, account_id: NoProtocolCarrier(port_for(carrier, account_id))  # noqa: E731
    assert closeout.protocol(without, account.id, "inpost", closeout.today()) is None
    [group] = closeout.day_view(without, account.id, closeout.today()).carriers
    assert group.needs_protocol is False


# --- pickups --------------------------------------------------------------------------------------

CHRISTMAS = dt.date(2026, 12, 25)  # a Friday, and a Polish holiday


def test_holidays_and_weekends_are_not_working_days():
    assert not pickups.is_working_day(CHRISTMAS)
    assert not pickups.is_working_day(dt.date(2026, 12, 24))  # Wigilia, a holiday since 2025
    assert not pickups.is_working_day(dt.date(2026, 12, 26))
    assert pickups.is_working_day(dt.date(2026, 12, 28))
    assert pickups.next_working_day(CHRISTMAS) == dt.date(2026, 12, 28)


def test_no_windows_on_a_holiday_and_none_outside_the_hours(app, inpost, port_for, account):
    shipment = labelled(app, account)
    before = inpost.harness.count()
    with pytest.raises(PickupFormError) as refused:
        pickups.windows(port_for, account.id, "inpost", CHRISTMAS, [shipment.id])
    assert refused.value.field == "day" and inpost.harness.count() == before
    day = pickups.next_working_day(closeout.today() + dt.timedelta(days=1))
    [window] = pickups.windows(port_for, account.id, "inpost", day, [shipment.id])
    start, end = window.start.astimezone(closeout.WARSAW), window.end.astimezone(closeout.WARSAW)
    assert start.date() == day and dt.time(8) <= start.time() and end.time() <= dt.time(18)


def test_the_sender_address_is_required(app, inpost, port_for):
    bare = make_account("Bez adresu", sender=False)
    shipment = labelled(app, bare)
    day = pickups.next_working_day(closeout.today() + dt.timedelta(days=1))
    with pytest.raises(PickupFormError) as refused:
        pickups.windows(port_for, bare.id, "inpost", day, [shipment.id])
    assert refused.value.field == "sender"


def _order(port_for, account, shipments, key="pickup-form-1"):
    day = pickups.next_working_day(closeout.today() + dt.timedelta(days=1))
    [window] = pickups.windows(port_for, account.id, "inpost", day, [s.id for s in shipments])
    return PickupOrder(account.id, "inpost", day, window, tuple(s.id for s in shipments), key)


def test_a_pickup_is_ordered_once_and_the_same_form_again_changes_nothing(app, inpost, port_for, account):
    shipments = [labelled(app, account), labelled(app, account)]
    order = _order(port_for, account, shipments)
    pickup = pickups.order_pickup(port_for, order)
    assert pickup.status is PickupStatus.ORDERED and pickup.carrier_pickup_id
    assert pickup.shipment_ids == [s.id for s in shipments]
    assert pickups.order_pickup(port_for, order).id == pickup.id
    assert inpost.harness.count(DISPATCH) == 1
    with pytest.raises(PickupFormError) as again:  # a new form for the same parcels
        pickups.order_pickup(port_for, _order(port_for, account, shipments, key="pickup-form-2"))
    assert again.value.field == "shipments" and inpost.harness.count(DISPATCH) == 1


def test_a_lost_answer_is_never_followed_by_a_second_call(app, inpost, port_for, account):
    shipments = [labelled(app, account)]
    order = _order(port_for, account, shipments)
    inpost.harness.fail_after_commit(DISPATCH, 500)
    pickup = pickups.order_pickup(port_for, order)
    assert pickup.status is PickupStatus.CHECKING and pickup.last_error
    again = pickups.order_pickup(port_for, order)
    assert again.id == pickup.id and again.status is PickupStatus.CHECKING
    assert inpost.harness.count(DISPATCH) == 1 and len(inpost.dispatch_orders) == 1
    assert db.session.scalar(select(db.func.count(Pickup.id))) == 1


def test_a_call_that_never_arrived_is_sent_again_by_the_same_form(app, inpost, port_for, account):
    shipments = [labelled(app, account)]
    order = _order(port_for, account, shipments)
    inpost.harness.fail_next(DISPATCH, 429)  # refused before anything was applied
    first = pickups.order_pickup(port_for, order)
    assert first.status is PickupStatus.ORDERING and len(inpost.dispatch_orders) == 0
    second = pickups.order_pickup(port_for, order)
    assert second.id == first.id and second.status is PickupStatus.ORDERED
    assert len(inpost.dispatch_orders) == 1


def test_a_window_outside_what_is_offered_is_refused(app, inpost, port_for, account):
    shipments = [labelled(app, account)]
    order = _order(port_for, account, shipments)
    late = order.window.start.replace(hour=19)
    bad = PickupOrder(
        account.id,
        "inpost",
        order.day,
        type(order.window)(late, late + dt.timedelta(hours=2)),
        order.shipment_ids,
        "k",
    )
    with pytest.raises(PickupFormError) as refused:
        pickups.order_pickup(port_for, bad)
    assert refused.value.field == "window" and inpost.harness.count(DISPATCH) == 0
    holiday = PickupOrder(account.id, "inpost", CHRISTMAS, order.window, order.shipment_ids, "k2")
    with pytest.raises(PickupFormError):
        pickups.order_pickup(port_for, holiday)
    assert db.session.scalar(select(Pickup)) is None
