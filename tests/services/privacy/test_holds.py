"""Holds: manual ones on a buyer, an order, an issue or an account; automatic ones from open conversations,
open complaints, unsettled cash on delivery and unpaid invoices; set and lift audited; review tasks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from desk.extensions import db
from desk.models import Invoice, InvoiceLine, PrivacyEvent, Role
from desk.models.cod import CodState
from desk.models.invoice import InvoiceKind, InvoiceState
from desk.models.privacy_request import HoldReason, HoldScope
from desk.services.errors import ConflictError, ValidationError
from desk.services.privacy import hold_admin
from desk.services.privacy.holds import buyer_holds, held_order_ids
from tests.factories import make_agent
from tests.services.privacy.helpers import NOW, account, open_complaint, seed_buyer


@pytest.fixture
def shop(app):
    return account("Sklep z kubkami")


def kinds(holds):
    return sorted((h.kind, h.reason) for h in holds)


def test_a_closed_history_holds_nothing(shop):
    seed_buyer(shop, "b1", login="ola", first="Ola", last="Nowak", cod_state=CodState.PAID)
    assert buyer_holds(account_ids=[shop.id], buyer_allegro_id="b1", now=NOW) == []


def test_automatic_holds(shop):
    seeded = seed_buyer(
        shop, "b1", login="ola", first="Ola", last="Nowak", open_issue=True, cod_state=CodState.COLLECTED
    )
    complaint = open_complaint(seeded)
    holds = buyer_holds(account_ids=[shop.id], buyer_allegro_id="b1", now=NOW)
    assert kinds(holds) == [
        ("cod", "cod_unsettled"),
        ("complaint", "open_complaint"),
        ("issue", "open_conversation"),
    ]
    assert {h.order_id for h in holds} == {seeded.order.id}
    assert f"complaint:{complaint.id}" in {h.ref for h in holds}
    assert held_order_ids(account_id=shop.id, order_ids=[seeded.order.id], now=NOW) == {seeded.order.id}
    # another account's buyer with the same id is not held by these
    assert buyer_holds(account_ids=[account("Inny").id], buyer_allegro_id="b1", now=NOW) == []


def test_an_unpaid_invoice_for_the_orders_parcel_holds(shop):
    seeded = seed_buyer(shop, "b1", login="ola", first="Ola", last="Nowak")
    invoice = Invoice(
        account_id=shop.id,
        kind=InvoiceKind.VAT,
        series="FV",
        year=2027,
        month=1,
        seq=1,
        number="FV/2027/01/0001",
        issue_key="single:1",
        issue_date=NOW.date(),
        seller={},
        buyer={},
        net=Decimal("10.00"),
        vat=Decimal("2.30"),
        gross=Decimal("12.30"),
        due_date=NOW.date(),
        block_after=NOW.date(),
    )
    invoice.lines = [
        InvoiceLine(
            position=1,
            shipment_id=seeded.shipment.id,
            description="Przesyłka",
            unit_net=Decimal("10.00"),
            net=Decimal("10.00"),
            vat=Decimal("2.30"),
            gross=Decimal("12.30"),
        )
    ]
    db.session.add(invoice)
    db.session.commit()
    assert kinds(buyer_holds(account_ids=[shop.id], buyer_allegro_id="b1", now=NOW)) == [
        ("invoice", "invoice_unpaid")
    ]
    invoice.state = InvoiceState.PAID
    db.session.commit()
    assert buyer_holds(account_ids=[shop.id], buyer_allegro_id="b1", now=NOW) == []


@pytest.mark.parametrize("scope", list(HoldScope))
def test_manual_holds_of_each_scope(shop, scope):
    owner = make_agent(role=Role.OWNER)
    seeded = seed_buyer(shop, "b1", login="ola", first="Ola", last="Nowak")
    other = seed_buyer(shop, "b2", login="ela", first="Ela", last="Nowak")
    target = {
        HoldScope.BUYER: "b1",
        HoldScope.ORDER: seeded.order.allegro_id,
        HoldScope.ISSUE: seeded.issue.allegro_id,
        HoldScope.ACCOUNT: "",
    }[scope]
    form = hold_admin.HoldForm(shop.id, scope, HoldReason.CHARGEBACK, target=target)
    hold = hold_admin.set_hold(form, account_ids=[shop.id], agent_id=owner.id, now=NOW)
    holds = buyer_holds(account_ids=[shop.id], buyer_allegro_id="b1", now=NOW)
    assert [(h.kind, h.reason, h.ref) for h in holds] == [("manual", "chargeback", f"legal_hold:{hold.id}")]
    both = [seeded.order.id, other.order.id]
    expected = set(both) if scope is HoldScope.ACCOUNT else {seeded.order.id}
    assert held_order_ids(account_id=shop.id, order_ids=both, now=NOW) == expected

    hold_admin.lift_hold(hold.id, account_ids=[shop.id], agent_id=owner.id, now=NOW)
    assert buyer_holds(account_ids=[shop.id], buyer_allegro_id="b1", now=NOW) == []
    assert held_order_ids(account_id=shop.id, order_ids=both, now=NOW) == set()
    with pytest.raises(ConflictError):
        hold_admin.lift_hold(hold.id, account_ids=[shop.id], agent_id=owner.id, now=NOW)
    events = [(e.action, e.agent_id, e.hold_id) for e in db.session.scalars(select(PrivacyEvent))]
    assert events == [("hold_set", owner.id, hold.id), ("hold_lifted", owner.id, hold.id)]


def test_bad_holds_are_refused_and_review_dates_make_tasks(shop):
    owner = make_agent(role=Role.OWNER)
    with pytest.raises(ValidationError):
        hold_admin.set_hold(
            hold_admin.HoldForm(shop.id, HoldScope.ORDER, HoldReason.OTHER, target="nope"),
            account_ids=[shop.id],
            agent_id=owner.id,
            now=NOW,
        )
    with pytest.raises(ValidationError):
        hold_admin.set_hold(
            hold_admin.HoldForm(
                shop.id,
                HoldScope.BUYER,
                HoldReason.OTHER,
                target="b1",
                review_on=NOW.date() - dt.timedelta(days=1),
            ),
            account_ids=[shop.id],
            agent_id=owner.id,
            now=NOW,
        )
    hold = hold_admin.set_hold(
        hold_admin.HoldForm(
            shop.id,
            HoldScope.BUYER,
            HoldReason.TAX_AUDIT,
            target="b1",
            review_on=NOW.date() + dt.timedelta(days=10),
        ),
        account_ids=[shop.id],
        agent_id=owner.id,
        now=NOW,
    )
    assert hold_admin.holds_to_review(account_ids=[shop.id], today=NOW.date() + dt.timedelta(days=9)) == []
    assert hold_admin.holds_to_review(account_ids=[shop.id], today=NOW.date() + dt.timedelta(days=10)) == [
        hold
    ]
