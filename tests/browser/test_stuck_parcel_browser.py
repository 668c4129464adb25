"""A stuck parcel surfaced in a real browser: a parcel with no news for longer than its carrier's working
days shows in the stuck list, the navigation badge counts it (and not a parcel that moved today), and the
order page has the note for the buyer, which goes into the message form with one click."""

from __future__ import annotations

import datetime as dt

import pytest

from desk.extensions import db
from desk.models import Role, SellerAccount
from desk.orm import utcnow
from tests.browser.conftest import shot, sign_in
from tests.factories import PASSWORD, make_agent
from tests.services.shipping.parcel_rows import event, make_order, make_shipment

pytestmark = pytest.mark.browser


def test_a_silent_parcel_is_listed_counted_and_noted_for_the_buyer(app, live_desk, page):
    account = SellerAccount(name="Sklep z herbatą")
    db.session.add(account)
    db.session.commit()
    # arranged in the past: two weeks without news is past InPost's 2 working days whatever today is
    quiet_since = utcnow() - dt.timedelta(days=14)
    order = make_order(account, buyer_login="herbaciarz", delivery_method_name="Allegro Kurier InPost")
    silent = make_shipment(
        account, order=order, service="inpost_courier_standard", waybills=["520000011112222333444555"],
        events=[event("adopted_at_sorting_center", quiet_since, "in_transit", "Przyjęta w sortowni")],
    )
    an_hour_ago = utcnow() - dt.timedelta(hours=1)
    moving = make_shipment(  # news an hour ago: not stuck
        account, order=make_order(account),
        events=[event("out_for_delivery", an_hour_ago, "out_for_delivery")],
    )
    agent = make_agent(role=Role.AGENT, accounts=[account], name="Ola Agentka")

    sign_in(page, live_desk, agent.email, PASSWORD)
    badge = page.locator("nav a[href='/parcels/'] .nav-count")
    assert badge.inner_text() == "1"  # the stuck one only
    page.click("nav a[href='/parcels/']")
    page.wait_for_selector("table.parcels-table")
    rows = page.locator("table.parcels-table tbody tr")
    assert rows.count() == 1
    row_text = rows.first.inner_text()
    assert "520000011112222333444555" in row_text and "Brak wieści od przewoźnika" in row_text
    assert moving.waybills[0] not in page.inner_text("main")
    shot(page, "stuck-parcel-list")

    page.click(f"table.parcels-table a[href*='/orders/{order.id}']")
    page.wait_for_load_state()
    note = page.locator(f"#parcel-note-{silent.id}")
    text = note.input_value()
    assert "520000011112222333444555" in text and "nie ma nowych informacji" in text and "InPost" in text
    shot(page, "stuck-parcel-order-note")

    page.click(f"#parcel-{silent.id} a.parcel-note-use")
    page.wait_for_load_state()
    message = page.locator("#message textarea[name=text]")
    assert message.input_value() == note.input_value()  # the message form starts from the note
    shot(page, "stuck-parcel-message-prefilled")
