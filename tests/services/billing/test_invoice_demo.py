"""`make run`'s demo account has last month's invoices, issued once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from desk.demo_invoices import prepare_invoices
from desk.extensions import db
from desk.models import Invoice, InvoiceState, SellerAccount
from desk.orm import utcnow
from desk.services.shared.workdays import WARSAW


def test_the_demo_account_has_last_months_invoices_once(app):
    account = SellerAccount(name="Sklep demo")
    db.session.add(account)
    db.session.commit()
    assert prepare_invoices(app, account.id) == 2
    assert prepare_invoices(app, account.id) == 0
    found = db.session.scalars(select(Invoice).order_by(Invoice.id)).all()
    first_of_month = utcnow().astimezone(WARSAW).date().replace(day=1)
    last_month_start = (first_of_month - dt.timedelta(days=1)).replace(day=1)
    assert [invoice.period_start for invoice in found] == [last_month_start, last_month_start.replace(day=16)]
    assert all(invoice.state is InvoiceState.PAID for invoice in found)
    assert sum(len(invoice.lines) for invoice in found) == 12
    assert db.session.scalar(select(func.count(Invoice.id))) == 2
