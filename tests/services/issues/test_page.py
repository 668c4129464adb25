"""The issue page is assembled from the database alone; tracking numbers arrive through the sync."""

from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import select

from desk.extensions import db
from desk.models import Order
from desk.models.issue import Issue, IssueView
from desk.orm import utcnow
from desk.services.issues import page as issue_page
from desk.services.issues.detail import refresh
from desk.services.issues.sync import sync_issues
from desk.services.orders.actions import add_tracking
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro, settings
from tests.factories import connect_account, make_agent

SHIPMENTS = "GET /order/checkout-forms/{id}/shipments"
WAYBILL = "620111222333444555666777"


@pytest.fixture
def shop(app, fake_allegro):
    return connect_account(fake_allegro, name="Sklep A")


@pytest.fixture
def issue(fake_allegro, shop):
    """A discussion about an order that already has one tracking number on Allegro."""
    account, seller = shop
    form = fake_allegro.state.add_checkout_form(seller)
    run_sync(get_allegro(), account.id)
    fake_allegro.state.add_shipment(seller, form["id"], {"carrierId": "INPOST", "waybill": WAYBILL})
    made = fake_allegro.state.add_issue(seller, checkout_form_id=form["id"])
    _sync(shop)
    return db.session.scalar(select(Issue).where(Issue.allegro_id == made["id"]))


def _sync(shop):
    account, _ = shop
    stats = sync_issues(get_allegro().client_for(account.id), account.id, full=False, now=utcnow())
    db.session.expire_all()
    return stats


def _waybills(page) -> list[str]:
    return [s["waybill"] for s in page.shipments]


def test_a_new_issue_brings_its_orders_tracking_numbers(issue):
    assert [s["waybill"] for s in issue.order.shipments] == [WAYBILL]
    assert issue.order.shipments_read_at is not None


def test_the_page_asks_allegro_nothing_and_writes_only_presence(app, fake_allegro, shop, issue):
    agent = make_agent(accounts=[shop[0]])
    before = fake_allegro.state.request_count()
    stamps = (issue.updated_at, issue.synced_at, issue.order.shipments_read_at)
    page = issue_page.issue_page(
        issue.id, {shop[0].id}, agent_id=agent.id, writing=False, rules=settings().deadlines
    )
    assert fake_allegro.state.request_count() == before
    assert _waybills(page) == [WAYBILL]
    db.session.expire_all()
    issue = db.session.get(Issue, issue.id)
    assert (issue.updated_at, issue.synced_at, issue.order.shipments_read_at) == stamps
    views = db.session.scalars(select(IssueView)).all()
    assert [(v.issue_id, v.agent_id, v.state) for v in views] == [(issue.id, agent.id, "viewing")]


def test_the_page_works_while_allegro_is_down(app, client, login, fake_allegro, shop, issue):
    login(make_agent(accounts=[shop[0]]))
    fake_allegro.state.fail_next(SHIPMENTS, 503, times=10)
    html = client.get(url_for("issues.detail", issue_id=issue.id)).get_data(as_text=True)
    assert WAYBILL in html
    assert fake_allegro.state.request_count(SHIPMENTS) == 1  # the one read by the sync, before


def test_an_idle_sync_reads_no_tracking_numbers_a_moved_issue_does(fake_allegro, shop, issue):
    account, seller = shop
    fake_allegro.state.add_shipment(seller, issue.order.allegro_id, {"carrierId": "DPD", "waybill": "DPD123"})
    assert _sync(shop).shipments_read == 0
    assert [s["waybill"] for s in db.session.get(Order, issue.order_id).shipments] == [WAYBILL]
    fake_allegro.state.add_buyer_message(issue.allegro_id, "Gdzie paczka?")
    assert _sync(shop).shipments_read == 1
    assert [s["waybill"] for s in db.session.get(Order, issue.order_id).shipments] == [WAYBILL, "DPD123"]


def test_the_pages_refresh_reads_them_and_a_failure_keeps_the_old_copy(fake_allegro, shop, issue):
    account, seller = shop
    fake_allegro.state.add_shipment(seller, issue.order.allegro_id, {"carrierId": "DPD", "waybill": "DPD123"})
    fake_allegro.state.fail_next(SHIPMENTS, 503, times=10)
    refresh(get_allegro(), issue.id, None)
    assert [s["waybill"] for s in db.session.get(Order, issue.order_id).shipments] == [WAYBILL]
    fake_allegro.state.clear_faults()
    refresh(get_allegro(), issue.id, None)
    assert [s["waybill"] for s in db.session.get(Order, issue.order_id).shipments] == [WAYBILL, "DPD123"]


def test_a_waybill_the_desk_sends_shows_at_once(fake_allegro, shop, issue):
    before = fake_allegro.state.request_count(SHIPMENTS)
    add_tracking(
        get_allegro(), order_id=issue.order_id, carrier_id="DPD", waybill="DPD999", carrier_name=None,
        agent_id=None, idempotency_key="t1", account_ids=None,
    )
    order = db.session.get(Order, issue.order_id)
    assert [s["waybill"] for s in order.shipments] == [WAYBILL, "DPD999"]
    assert all(s["id"] for s in order.shipments)
    assert fake_allegro.state.request_count(SHIPMENTS) == before  # no extra read for it


def test_an_order_never_read_is_shown_as_not_read_yet(app, client, login, fake_allegro, shop, issue):
    order = db.session.get(Order, issue.order_id)
    order.shipments = order.shipments_read_at = None
    db.session.commit()
    agent = login(make_agent(accounts=[shop[0]]))
    page = issue_page.issue_page(issue.id, None, agent_id=agent.id, writing=True, rules=settings().deadlines)
    assert page.shipments is None
    html = client.get(url_for("issues.detail", issue_id=issue.id)).get_data(as_text=True)
    assert "Jeszcze nie odczytane z Allegro" in html
