"""The retention job with the desk's own ports: the erasure engine pseudonymises what is due and registers
it so a sync never brings it back, a legal hold keeps its order whole, and a dry run changes nothing."""

from __future__ import annotations

from sqlalchemy import select

from desk.extensions import db
from desk.models import ErasedOrder, Role
from desk.models.privacy_request import HoldReason, HoldScope
from desk.services.privacy import hold_admin, retention
from desk.services.privacy.pseudonyms import buyer_pseudonym
from desk.wiring.retention import retention_ports
from tests.factories import make_agent
from tests.services.privacy import retention_data as data

NEW_YEAR = data.warsaw(2027, 1, 1, 0, 5)


def test_due_orders_are_pseudonymised_by_the_engine_and_held_ones_kept(app):
    shop = data.account()
    bought, delivered = data.warsaw(2023, 6, 1, 10), data.warsaw(2023, 6, 3, 12)
    due = data.order(shop.id, bought=bought, delivered=delivered)
    held = data.order(shop.id, bought=bought, delivered=delivered)
    young = data.order(shop.id, bought=data.warsaw(2025, 3, 1, 10))
    owner = make_agent(role=Role.OWNER)
    court = hold_admin.HoldForm(shop.id, HoldScope.ORDER, HoldReason.COURT_CASE, target=held.allegro_id)
    hold_admin.set_hold(court, account_ids=[shop.id], agent_id=owner.id, now=NEW_YEAR)
    before = {order.id: data.identity(order.id) for order in (due, held, young)}
    raw_buyer = due.buyer_allegro_id

    preview = retention.run_account(retention_ports(app), shop.id, now=NEW_YEAR, dry_run=True)
    assert preview.dry_run and {o: data.identity(o) for o in before} == before  # the preview wrote nothing

    run = retention.run_account(retention_ports(app), shop.id, now=NEW_YEAR)
    db.session.expire_all()
    login, email, first, last, phone = data.identity(due.id)
    assert (email, first, last, phone) != before[due.id][1:] and "Kowalski" not in (last or "")
    assert login != before[due.id][0]
    assert data.identity(held.id) == before[held.id] and data.identity(young.id) == before[young.id]
    assert db.session.get(type(due), due.id).buyer_allegro_id == buyer_pseudonym(shop.id, raw_buyer)
    assert db.session.scalars(select(ErasedOrder.allegro_id)).all() == [due.allegro_id]
    assert run.held.get("order_identity") == 1

    again = retention.run_account(retention_ports(app), shop.id, now=NEW_YEAR)
    assert sum(again.rows.values()) == 0  # a rerun finds nothing new
