"""Nadaj zaznaczone in a real browser: two orders checked on the orders list, the preview names the bad
postcode of one, the other is sent by the worker while the batch page follows it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desk.extensions import db
from desk.models import BatchItemStatus, Role, ShipmentBatchItem
from desk.services.shipping import bulk
from tests.browser.conftest import shot, sign_in
from tests.factories import PASSWORD, make_agent
from tests.services.shipping.bulk_helpers import bad_postcode, make_account, make_order, ports

pytestmark = pytest.mark.browser


def test_two_orders_checked_previewed_and_sent_by_the_worker(app, live_desk, page):
    account = make_account()
    port_for = ports(app)
    good = make_order(account)
    wrong = bad_postcode(account)
    agent = make_agent(role=Role.AGENT, accounts=[account], name="Ola Agentka")
    sign_in(page, live_desk, agent.email, PASSWORD)
    page.goto(f"{live_desk}/orders")
    for order in (good, wrong):
        page.check(f"input[name=order_ids][value='{order.id}']")
    page.click("text=Nadaj zaznaczone")
    page.wait_for_selector("table.bulk-preview")
    assert "Odbiorca, kod pocztowy: musi mieć postać 00-950." in page.inner_text("table.bulk-preview")
    assert page.locator("input[name=send]").count() == 2  # the bad one joins as a row to correct
    shot(page, "bulk-ship-preview")
    page.click("text=Nadaj zaznaczone zamówienia")
    page.wait_for_selector("table.bulk-batch")
    assert "oczekuje: 1" in page.inner_text("main")
    shot(page, "bulk-ship-waiting")
    assert bulk.run_due(port_for) == {"sent": 1, "failed": 0}
    for _ in range(40):  # the page reloads itself every 3 s while rows wait
        page.wait_for_timeout(250)
        if "oczekuje: 0" in page.inner_text("body"):
            break
    assert "oczekuje: 0" in page.inner_text("main") and "wysłano" in page.inner_text("table.bulk-batch")
    shot(page, "bulk-ship-done")
    item = db.session.scalar(select(ShipmentBatchItem).where(ShipmentBatchItem.order_id == good.id))
    assert item.status is BatchItemStatus.SENT and item.order_id == good.id
    page.click(f"a[href='/ship/{item.shipment_id}']")
    page.wait_for_load_state()
    assert "INPOST" in page.inner_text("h1")
