"""The invoice jobs run their services with the app's clock and settings."""

from __future__ import annotations

from sqlalchemy import select

from desk import jobs
from desk.extensions import db
from desk.models import Invoice, InvoiceMode
from desk.wiring import use_clock
from tests.clock import FakeClock
from tests.services.billing.invoicing import charge, make_account, make_shipment, warsaw


def test_the_invoice_jobs_issue_by_the_app_clock_and_mail(app, smtp_server):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.server_address[1], BROKER_NAME="Broker SA")
    per_order = make_account()
    monthly = make_account(mode=InvoiceMode.MONTHLY)
    charge(per_order, warsaw(2026, 12, 4, 17, 0), shipment=make_shipment(per_order))
    charge(monthly, warsaw(2026, 11, 20, 12, 0), shipment=make_shipment(monthly))
    clock = FakeClock(warsaw(2026, 12, 4, 18, 0))
    use_clock(app, clock)
    assert jobs.invoice_orders_job(app) == {"waiting": 1}
    assert jobs.invoice_periods_job(app) == {"issued": 1}
    clock.current = warsaw(2026, 12, 7, 0, 1)
    assert jobs.invoice_orders_job(app) == {"issued": 1, "mail_sent": 2}
    assert jobs.invoice_periods_job(app) == {}
    assert {invoice.seller["name"] for invoice in db.session.scalars(select(Invoice))} == {"Broker SA"}
    assert len(smtp_server.received) == 2
    assert {job.name for job in jobs.JOBS} >= {"invoice_orders", "invoice_periods"}
