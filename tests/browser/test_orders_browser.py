"""An agent in a real browser: signs in, filters orders, opens one and changes its status."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from desk.extensions import db
from desk.models import Order, Role
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from tests.browser.conftest import shot, sign_in
from tests.factories import PASSWORD, connect_account, make_agent

pytestmark = pytest.mark.browser


def test_agent_filters_opens_and_changes_an_order(app, fake_allegro, live_desk, page):
    account, seller = connect_account(fake_allegro, name="Sklep z rowerami")
    for _ in range(12):
        fake_allegro.state.add_checkout_form(seller)
    cod = fake_allegro.state.add_checkout_form(
        seller,
        payment={
            "id": "5b0e5b0e-0000-4000-8000-000000000001",
            "type": "CASH_ON_DELIVERY",
            "provider": "OFFLINE",
        },
    )
    run_sync(get_allegro(), account.id)
    agent = make_agent(role=Role.AGENT, accounts=[account], name="Ola Agentka")

    sign_in(page, live_desk, agent.email, PASSWORD)
    page.goto(f"{live_desk}/orders/")
    assert page.locator("table.orders-table tbody tr").count() == 13
    shot(page, "orders-list")

    page.check("input[name=cod]")
    page.click("form.orders-filters button[type=submit]")
    page.wait_for_load_state()
    rows = page.locator("table.orders-table tbody tr")
    expected = sum(
        1
        for form in fake_allegro.state.checkout_forms.values()
        if form["payment"]["type"] == "CASH_ON_DELIVERY"
    )
    assert rows.count() == expected
    assert all("Pobranie" in text for text in rows.all_inner_texts())
    shot(page, "orders-list-cod")

    page.click(f"a[title='{cod['id']}']")
    page.wait_for_load_state()
    assert cod["id"][:8] in page.content()
    page.select_option("#status select[name=status]", "PROCESSING")
    page.click("#status button[type=submit]")
    page.wait_for_load_state()
    shot(page, "order-detail-after-status")
    assert "W realizacji" in page.content()
    assert fake_allegro.state.checkout_forms[cod["id"]]["fulfillment"]["status"] == "PROCESSING"
    db.session.expire_all()
    order = db.session.scalar(select(Order).where(Order.allegro_id == cod["id"]))
    assert order.fulfillment_status == "PROCESSING"
