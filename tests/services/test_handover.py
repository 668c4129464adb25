"""A shipment's waybills reach its Allegro order without the agent typing them, once; the order is
marked sent when the carrier has the parcel (setting)."""

from __future__ import annotations

from sqlalchemy import select

from desk.extensions import db
from desk.models import Order, OutboxMessage
from desk.services.flows import handover
from desk.services.shipping import dispatch
from desk.services.shipping.tracking import events as tracking
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from desk.wiring.carriers import FAKE_CARRIERS, get_carriers
from tests.billing_helpers import fund, quoted
from tests.factories import connect_account
from tests.integrations.carriers.helpers import request


def test_waybills_go_to_the_order_once_and_the_order_is_marked_sent_on_handover(app, fake_allegro):
    account, seller = connect_account(fake_allegro)
    form = fake_allegro.state.add_checkout_form(seller)
    run_sync(get_allegro(), account.id)
    order = db.session.scalar(select(Order).where(Order.allegro_id == form["id"]))
    gateway = get_carriers(app)

    def port_for(carrier, account_id):
        return gateway.port(carrier, account_id=account_id)

    inpost = app.extensions[FAKE_CARRIERS]["inpost"].server.state
    fund(account.id)
    shipment = dispatch.order_shipment(
        port_for,
        quoted(
            dispatch.ShipmentOrder(
                account.id,
                "inpost",
                request(service="inpost_courier_standard", idempotency_key="h-1"),
                order_id=order.id,
            )
        ),
    )
    inpost.process_all()
    dispatch.check(port_for, shipment)
    assert shipment.waybills

    assert handover.push_due(get_allegro(), sent_on_handover=True) == {"tracking": 1, "sent": 0}
    assert handover.push_due(get_allegro(), sent_on_handover=True) == {}  # nothing left to write
    attached = fake_allegro.state.shipments_of(seller, order.allegro_id)["shipments"]
    assert [(s["carrierId"], s["waybill"]) for s in attached] == [("INPOST", shipment.waybills[0])]

    inpost.add_event(shipment.carrier_shipment_id, "collected_from_sender", at=dispatch.utcnow())
    tracking.refresh(port_for, shipment, dispatch.utcnow())
    assert shipment.tracking_state == "handed_over"
    assert handover.push_due(get_allegro(), sent_on_handover=False) == {}  # the setting is off
    assert handover.push_due(get_allegro(), sent_on_handover=True) == {"tracking": 0, "sent": 1}
    assert fake_allegro.state.checkout_forms[order.allegro_id]["fulfillment"]["status"] == "SENT"
    kinds = sorted(m.kind for m in db.session.scalars(select(OutboxMessage)))
    assert len(kinds) == 2  # one tracking write, one status write: never twice
