"""A bulk of 20 orders with one bad address, in a real browser: all 20 checked on the orders list, the
preview names the bad postcode, 19 are sent by the worker while the bad row waits with its problem, the
agent corrects that row on the batch page and sends it alone, and it goes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import BatchItemStatus, Role, Shipment, ShipmentBatchItem
from desk.services.shipping import bulk
from desk.wiring.carriers import FAKE_CARRIERS
from tests.browser.conftest import shot, sign_in
from tests.factories import PASSWORD, make_agent
from tests.services.shipping.bulk_helpers import CREATE, bad_postcode, make_account, make_order, ports

pytestmark = pytest.mark.browser
PROBLEM = "Odbiorca, kod pocztowy: musi mieć postać 00-950."


def _until(page, text: str, selector: str = "main") -> None:
    """Wait for the batch page (it reloads itself every 3 s while rows wait) to show `text`."""
    for _ in range(60):
        if text in page.inner_text(selector):
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"{text!r} never appeared: {page.inner_text(selector)[:500]}")


def test_twenty_orders_one_bad_address_corrected_and_sent_alone(app, live_desk, page):
    account = make_account()
    port_for = ports(app)
    inpost = app.extensions[FAKE_CARRIERS]["inpost"].server.state
    good = [make_order(account) for _ in range(19)]
    wrong = bad_postcode(account)
    agent = make_agent(role=Role.AGENT, accounts=[account], name="Ola Agentka")
    sign_in(page, live_desk, agent.email, PASSWORD)

    page.goto(f"{live_desk}/orders")
    for order in [*good, wrong]:
        page.check(f"input[name=order_ids][value='{order.id}']")
    page.click("text=Nadaj zaznaczone")
    page.wait_for_selector("table.bulk-preview")
    assert page.locator("table.bulk-preview tbody tr").count() == 20
    bad_row = page.locator(f"table.bulk-preview tr[data-order='{wrong.id}']")
    assert PROBLEM in bad_row.inner_text() and "has-problems" in bad_row.get_attribute("class")
    assert page.locator("table.bulk-preview tr.ok").count() == 19
    assert inpost.harness.count(CREATE) == 0  # the preview sends nothing
    shot(page, "bulk-20-preview")

    page.click("text=Nadaj zaznaczone zamówienia")
    page.wait_for_selector("table.bulk-batch")
    assert "oczekuje: 19" in page.inner_text("main")
    assert bulk.run_due(port_for) == {"sent": 19, "failed": 0}
    _until(page, "Nadane: 19, nieudane: 1, oczekuje: 0.")
    failed_row = page.locator("tr.item-fix")
    assert failed_row.count() == 1 and PROBLEM in failed_row.inner_text()
    (item,) = db.session.scalars(
        select(ShipmentBatchItem).where(ShipmentBatchItem.status == BatchItemStatus.FAILED)
    )
    assert item.order_id == wrong.id and item.problems[0]["field"] == "receiver.postcode"
    assert inpost.harness.count(CREATE) == 19
    shot(page, "bulk-20-one-to-correct")

    page.fill(f"#fix-{item.id}-receiver_postcode", "3000")  # still wrong: refused next to the row
    page.click("tr.item-fix form.bulk-fix button[type=submit]")
    errors = f"#fix-{item.id}-receiver_postcode-errors"  # next to the postcode it is about
    page.wait_for_selector(errors)
    assert PROBLEM in page.inner_text(errors)
    assert page.input_value(f"#fix-{item.id}-receiver_postcode") == "3000"  # what was typed is kept
    shot(page, "bulk-20-correction-refused")

    page.fill(f"#fix-{item.id}-receiver_postcode", "30-001")
    page.click("tr.item-fix form.bulk-fix button[type=submit]")
    page.wait_for_load_state()
    assert "Wiersz czeka na ponowne nadanie." in page.inner_text("body")
    assert "oczekuje: 1" in page.inner_text("main")
    assert bulk.run_due(port_for) == {"sent": 1, "failed": 0}
    _until(page, "Nadane: 20, nieudane: 0, oczekuje: 0.")
    assert page.locator("tr.item-fix").count() == 0
    shot(page, "bulk-20-all-sent")

    shipped = db.session.scalar(select(Shipment).where(Shipment.order_id == wrong.id))
    assert shipped is not None and shipped.request["receiver"]["postcode"] == "30-001"
    assert inpost.harness.count(CREATE) == 20
    assert db.session.scalar(select(func.count(Shipment.id))) == 20  # each order once
