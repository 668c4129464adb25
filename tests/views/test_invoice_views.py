"""Invoice pages: the list and downloads per account, admins' correction and payment forms, a separate
invoice on request, other accounts' invoices out of reach on every route, CSRF on every POST, the block
on the shipping form."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from flask import url_for
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import Invoice, InvoiceMode, InvoiceState, PaymentMode, Role, SellerAccount
from tests.conftest import desk_app
from tests.factories import PASSWORD, make_agent
from tests.services.billing.invoicing import TERMS, charge, make_account, make_shipment, warsaw


def issued(account_id: int, *, payment: PaymentMode = PaymentMode.PREPAID) -> Invoice:
    from desk.services.billing import invoices

    charge(account_id, warsaw(2026, 12, 2, 10, 0), shipment=make_shipment(account_id))
    invoices.run_per_order(warsaw(2026, 12, 2, 10, 1), TERMS)
    return db.session.scalars(select(Invoice).where(Invoice.account_id == account_id)).one()


@pytest.fixture
def two(app):
    """(own account id, other account id, an agent of the first, its invoice, the other's invoice)."""
    own = make_account(name="Sklep Własny", payment=PaymentMode.INVOICE)
    other = make_account(name="Sklep Obcy")
    agent = make_agent(role=Role.AGENT, accounts=[db.session.get(SellerAccount, own)])
    return own, other, agent, issued(own), issued(other)


def test_an_agent_lists_and_downloads_only_its_accounts_invoices(client, login, two):
    own, other, agent, mine, theirs = two
    login(agent)
    html = client.get(url_for("invoices.index")).get_data(as_text=True)
    assert "Faktury" in html and mine.number in html and theirs.number not in html
    pdf = client.get(url_for("invoices.download", invoice_id=mine.id, kind="pdf"))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert "FV_2026_12_0001.pdf" in pdf.headers["Content-Disposition"]
    xml = client.get(url_for("invoices.download", invoice_id=mine.id, kind="xml"))
    assert xml.status_code == 200 and b"<RodzajFaktury>VAT</RodzajFaktury>" in xml.data
    detail = client.get(url_for("invoices.detail", invoice_id=mine.id)).get_data(as_text=True)
    assert "Sklep Kupującego sp. j." in detail and "Zarejestruj przelew" not in detail  # not an admin
    filtered = client.get(url_for("invoices.index", state="paid")).get_data(as_text=True)
    assert mine.number not in filtered  # an invoice-mode account's invoice waits for payment


def test_other_accounts_invoices_are_out_of_reach_on_every_route(client, login, two):
    own, other, agent, mine, theirs = two
    login(agent)
    foreign_shipment = make_shipment(other)
    for response in (
        client.get(url_for("invoices.detail", invoice_id=theirs.id)),
        client.get(url_for("invoices.download", invoice_id=theirs.id, kind="pdf")),
        client.get(url_for("invoices.download", invoice_id=theirs.id, kind="xml")),
        client.post(url_for("invoices.invoice_shipment", shipment_id=foreign_shipment.id)),
    ):
        assert response.status_code == 404
    for response in (  # an agent is no admin: the admin forms refuse even its own invoices
        client.get(url_for("invoices.correct", invoice_id=mine.id)),
        client.post(url_for("invoices.correct", invoice_id=mine.id), data={"reason": "charges"}),
        client.post(url_for("invoices.record_payment", invoice_id=mine.id), data={"amount": "1"}),
    ):
        assert response.status_code == 403
    assert db.session.scalar(select(func.count(Invoice.id))) == 2


def test_an_admin_records_a_payment_with_errors_at_their_fields(client, login, two):
    own, other, agent, mine, theirs = two
    login(make_agent(role=Role.ADMIN))
    bad = client.post(url_for("invoices.record_payment", invoice_id=mine.id),
                      data={"amount": "-5", "reference": "PRZELEW 7", "paid_on": "2026-12-03"})
    assert bad.status_code == 422 and "Podaj dodatnią kwotę" in bad.get_data(as_text=True)
    done = client.post(url_for("invoices.record_payment", invoice_id=mine.id),
                       data={"amount": "18,22", "reference": "PRZELEW 7", "paid_on": "2026-12-03"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Invoice, mine.id).state is InvoiceState.PAID


def test_an_admin_issues_a_correction_from_the_form_once(client, login, two):
    own, other, agent, mine, theirs = two
    login(make_agent(role=Role.ADMIN))
    page = client.get(url_for("invoices.correct", invoice_id=mine.id)).get_data(as_text=True)
    assert "Korekta faktury" in page
    key = re.search(r'name="key" value="([^"]+)"', page).group(1)
    line = mine.lines[0]
    bad = client.post(url_for("invoices.correct", invoice_id=mine.id),
                      data={"key": key, "reason": "charges", "reason_text": "Zła opłata",
                            f"gross_{line.id}": "abc"})
    assert bad.status_code == 422 and "Podaj kwotę" in bad.get_data(as_text=True)
    form = {"key": key, "reason": "charges", "reason_text": "Zła opłata", f"gross_{line.id}": "16,99"}
    first = client.post(url_for("invoices.correct", invoice_id=mine.id), data=form)
    again = client.post(url_for("invoices.correct", invoice_id=mine.id), data=form)
    assert first.status_code == again.status_code == 302 and first.location == again.location
    correction = db.session.scalars(select(Invoice).where(Invoice.corrects_id == mine.id)).one()
    assert correction.gross == Decimal("-1.23")
    assert "Faktura korygująca" in client.get(first.location).get_data(as_text=True)


def test_a_separate_invoice_for_one_shipment_on_request(client, login, app):
    account = make_account(mode=InvoiceMode.MONTHLY)
    login(make_agent(role=Role.AGENT, accounts=[db.session.get(SellerAccount, account)]))
    shipment = make_shipment(account)
    charge(account, warsaw(2026, 12, 2, 12, 0), shipment=shipment)
    done = client.post(url_for("invoices.invoice_shipment", shipment_id=shipment.id))
    assert done.status_code == 302
    invoice = db.session.scalars(select(Invoice)).one()
    assert [line.shipment_id for line in invoice.lines] == [shipment.id]
    again = client.post(url_for("invoices.invoice_shipment", shipment_id=shipment.id), follow_redirects=False)
    assert again.status_code == 302 and db.session.scalar(select(func.count(Invoice.id))) == 1


def test_every_invoice_post_needs_its_csrf_token(fake_allegro, database_url):
    with desk_app(fake_allegro, database_url, WTF_CSRF_ENABLED=True) as app:
        agent = make_agent(role=Role.ADMIN)
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        signed = client.post("/login", data={"email": agent.email, "password": PASSWORD, "csrf_token": token})
        assert signed.status_code == 302
        for url in ("/invoices/1/payment", "/invoices/1/correct", "/invoices/shipment/1"):
            refused = client.post(url, data={"amount": "1"})
            assert refused.status_code == 400, url
            assert "Formularz wygasł" in refused.get_data(as_text=True)
        assert db.session.scalar(select(func.count(Invoice.id))) == 0


def test_an_overdue_invoice_blocks_the_shipping_form_with_the_amount_due(client, login, app):
    import datetime as dt

    from desk.services.billing import invoices
    from desk.services.shipping import ensure_public_price_list
    from desk.wiring.carriers import FAKE_CARRIERS, get_carriers
    from tests.views.test_ship_views import SENDER, locker_order, posted

    get_carriers(app)
    ensure_public_price_list(today=dt.date(2026, 1, 1))
    inpost = app.extensions[FAKE_CARRIERS]["inpost"].server.state
    account_id = make_account(payment=PaymentMode.INVOICE)
    account = db.session.get(SellerAccount, account_id)
    charge(account_id, warsaw(2026, 1, 5, 10, 0), shipment=make_shipment(account_id))
    invoices.run_per_order(warsaw(2026, 1, 5, 10, 1), TERMS)  # due 12 Jan 2026, long overdue by now
    login(make_agent(role=Role.AGENT, accounts=[account]))
    order = locker_order(account, payment_type="ONLINE", delivery_method_name="Allegro Paczkomaty InPost")
    form = posted(client.get(url_for("ship.new", order_id=order.id)).get_data(as_text=True))
    form |= SENDER | {"length_cm": "30", "width_cm": "20", "height_cm": "8", "weight_kg": "1,2",
                      "template": "small"}
    response = client.post(url_for("ship.create", order_id=order.id), data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "faktura FV/2026/01/0001 jest przeterminowana" in html and "do zapłaty 18,22 zł" in html
    assert inpost.harness.count() == 0
    from desk.models import Shipment

    assert db.session.scalar(select(func.count(Shipment.id)).where(Shipment.order_id == order.id)) == 0
