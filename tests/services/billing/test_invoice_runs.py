"""Issuing invoices: per order by the 16:00 rule, per period, one shipment on request; refunds net out or
correct; bad buyer data refuses; numbers are gapless."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import (
    CorrectionReason,
    EntryKind,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceMode,
    InvoiceState,
    NettedEntry,
    PaymentMode,
)
from desk.services.billing import invoices
from desk.services.billing.invoices import BuyerDataError
from desk.services.billing.invoices.timing import Period
from tests.services.billing.invoicing import TERMS, charge, make_account, make_shipment, warsaw


def all_invoices() -> list[Invoice]:
    return db.session.scalars(select(Invoice).order_by(Invoice.id)).all()


def test_a_morning_charge_is_invoiced_at_once_with_the_quote_lines(app):
    account = make_account()
    shipment = make_shipment(account)
    entry = charge(account, warsaw(2026, 12, 2, 10, 0), shipment=shipment)
    counts = invoices.run_per_order(warsaw(2026, 12, 2, 10, 1), TERMS)
    assert counts == {"issued": 1}
    [invoice] = all_invoices()
    assert invoice.number == "FV/2026/12/0001"
    assert invoice.issue_date == invoice.sale_date == dt.date(2026, 12, 2)
    [line] = invoice.lines
    assert line.entry_id == entry.id
    assert (line.net, line.vat, line.gross) == (Decimal("14.81"), Decimal("3.41"), Decimal("18.22"))
    assert (invoice.net, invoice.vat, invoice.gross) == (Decimal("14.81"), Decimal("3.41"), Decimal("18.22"))
    assert invoice.buyer["nip"] == "9512345675" and invoice.seller["nip"] == "5271234563"
    assert invoice.state is InvoiceState.PAID and invoice.payment_reference == "saldo"  # prepaid
    assert invoices.run_per_order(warsaw(2026, 12, 2, 10, 2), TERMS) == {}  # nothing twice


def test_an_evening_charge_waits_for_midnight_of_the_next_working_day(app):
    account = make_account()
    charge(account, warsaw(2026, 12, 4, 17, 30), shipment=make_shipment(account))  # Friday
    assert invoices.run_per_order(warsaw(2026, 12, 4, 17, 31), TERMS) == {"waiting": 1}
    assert invoices.run_per_order(warsaw(2026, 12, 6, 23, 59), TERMS) == {"waiting": 1}  # Sunday night
    assert invoices.run_per_order(warsaw(2026, 12, 7, 0, 1), TERMS) == {"issued": 1}
    [invoice] = all_invoices()
    assert invoice.issue_date == dt.date(2026, 12, 7)
    assert invoice.sale_date == dt.date(2026, 12, 4)


def test_a_charge_before_christmas_is_dated_after_the_holidays(app):
    account = make_account()
    charge(account, warsaw(2026, 12, 23, 16, 5), shipment=make_shipment(account))
    assert invoices.run_per_order(warsaw(2026, 12, 24, 0, 1), TERMS) == {"waiting": 1}
    assert invoices.run_per_order(warsaw(2026, 12, 28, 0, 1), TERMS) == {"issued": 1}
    assert all_invoices()[0].issue_date == dt.date(2026, 12, 28)


def test_a_refund_before_the_invoice_nets_the_charge_out(app):
    account = make_account()
    shipment = make_shipment(account)
    charged = charge(account, warsaw(2026, 12, 4, 17, 0), shipment=shipment)
    refund = charge(account, warsaw(2026, 12, 4, 18, 0), kind=EntryKind.CANCEL_REFUND, shipment=shipment)
    assert invoices.run_per_order(warsaw(2026, 12, 7, 0, 1), TERMS) == {"netted": 2}
    assert all_invoices() == []
    netted = {row.entry_id: row.against_id for row in db.session.scalars(select(NettedEntry))}
    assert netted == {charged.id: refund.id, refund.id: charged.id}
    assert invoices.run_per_order(warsaw(2026, 12, 7, 0, 2), TERMS) == {}


def test_a_refund_after_the_invoice_issues_a_correction(app):
    account = make_account()
    shipment = make_shipment(account)
    charge(account, warsaw(2026, 12, 2, 9, 0), shipment=shipment)
    invoices.run_per_order(warsaw(2026, 12, 2, 9, 1), TERMS)
    refund = charge(account, warsaw(2026, 12, 2, 11, 0), kind=EntryKind.CANCEL_REFUND, shipment=shipment)
    assert invoices.run_per_order(warsaw(2026, 12, 2, 11, 1), TERMS) == {"corrections": 1}
    original, correction = all_invoices()
    assert correction.kind is InvoiceKind.CORRECTION and correction.number == "KOR/2026/12/0001"
    assert correction.corrects_id == original.id
    assert correction.correction_reason is CorrectionReason.CANCELLATION
    assert (correction.net, correction.vat, correction.gross) == (
        Decimal("-14.81"), Decimal("-3.41"), Decimal("-18.22"))
    [line] = correction.lines
    assert line.entry_id == refund.id and line.before_gross == Decimal("18.22") and line.gross == 0
    assert invoices.run_per_order(warsaw(2026, 12, 2, 11, 2), TERMS) == {}


def test_surcharges_and_fees_are_computed_from_the_gross(app):
    account = make_account()
    shipment = make_shipment(account, quote=None)
    charge(account, warsaw(2026, 12, 2, 9, 0), shipment=shipment, gross="16.99")
    charge(account, warsaw(2026, 12, 2, 9, 5), kind=EntryKind.SURCHARGE, shipment=shipment, gross="13.69",
           reason="Niezgodna waga")
    charge(account, warsaw(2026, 12, 2, 9, 6), kind=EntryKind.WITHDRAWAL_FEE, gross="2.00")
    assert invoices.run_per_order(warsaw(2026, 12, 2, 9, 10), TERMS) == {"issued": 3}
    lines = db.session.scalars(select(InvoiceLine).order_by(InvoiceLine.id)).all()
    assert [(ln.net, ln.vat, ln.gross) for ln in lines] == [
        (Decimal("13.81"), Decimal("3.18"), Decimal("16.99")),
        (Decimal("11.13"), Decimal("2.56"), Decimal("13.69")),
        (Decimal("1.63"), Decimal("0.37"), Decimal("2.00")),
    ]
    assert "Niezgodna waga" in lines[1].description
    assert [invoice.number for invoice in all_invoices()] == [
        "FV/2026/12/0001", "FV/2026/12/0002", "FV/2026/12/0003"]


@pytest.mark.parametrize("mode", [InvoiceMode.SEMIMONTHLY, InvoiceMode.MONTHLY])
def test_a_periodic_run_issues_one_invoice_per_period_once(app, mode):
    account = make_account(mode=mode, payment=PaymentMode.INVOICE)
    other = make_account(mode=InvoiceMode.PER_ORDER)
    for day in (1, 8, 15):
        charge(account, warsaw(2026, 12, day, 12, 0), shipment=make_shipment(account))
    late = charge(account, warsaw(2026, 12, 16, 0, 0, 1), shipment=make_shipment(account))
    charge(other, warsaw(2026, 12, 3, 12, 0), shipment=make_shipment(other))
    period = Period(dt.date(2026, 12, 1), dt.date(2026, 12, 15))
    now = warsaw(2026, 12, 16, 0, 30)
    assert invoices.run_period(mode, period, now, TERMS) == {"issued": 1}
    assert invoices.run_period(mode, period, now, TERMS) == {}  # rerun: nothing new
    [invoice] = all_invoices()
    assert invoice.account_id == account
    assert (invoice.period_start, invoice.period_end) == (period.start, period.end)
    assert len(invoice.lines) == 3 and late.id not in {line.entry_id for line in invoice.lines}
    assert invoice.gross == Decimal("54.66")
    assert invoice.state is InvoiceState.ISSUED and invoice.due_date == dt.date(2026, 12, 23)
    assert invoice.block_after == dt.date(2026, 12, 28)


def test_run_periodic_takes_the_newest_closed_periods(app):
    semi = make_account(mode=InvoiceMode.SEMIMONTHLY)
    monthly = make_account(mode=InvoiceMode.MONTHLY)
    charge(semi, warsaw(2026, 11, 20, 12, 0), shipment=make_shipment(semi))
    charge(monthly, warsaw(2026, 11, 3, 12, 0), shipment=make_shipment(monthly))
    assert invoices.run_periodic(warsaw(2026, 12, 1, 0, 5), TERMS) == {"issued": 2}
    assert invoices.run_periodic(warsaw(2026, 12, 1, 0, 35), TERMS) == {}
    periods = {(i.account_id, i.period_start, i.period_end) for i in all_invoices()}
    assert periods == {(semi, dt.date(2026, 11, 16), dt.date(2026, 11, 30)),
                       (monthly, dt.date(2026, 11, 1), dt.date(2026, 11, 30))}


def test_one_shipment_alone_on_request(app):
    account = make_account(mode=InvoiceMode.MONTHLY)
    shipment = make_shipment(account)
    charge(account, warsaw(2026, 12, 2, 12, 0), shipment=shipment)
    charge(account, warsaw(2026, 12, 2, 12, 5), shipment=make_shipment(account))
    invoice = invoices.invoice_shipment(shipment.id, now=warsaw(2026, 12, 3, 9, 0), terms=TERMS,
                                        account_ids={account})
    assert [line.shipment_id for line in invoice.lines] == [shipment.id]
    assert invoice.issue_date == dt.date(2026, 12, 3)
    with pytest.raises(invoices.runs.ValidationError):
        invoices.invoice_shipment(shipment.id, now=warsaw(2026, 12, 3, 9, 1), terms=TERMS)
    with pytest.raises(invoices.runs.NotFoundError):  # another account's shipment
        invoices.invoice_shipment(shipment.id, now=warsaw(2026, 12, 3, 9, 1), terms=TERMS, account_ids={-1})
    period = Period(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert invoices.run_period(InvoiceMode.MONTHLY, period, warsaw(2027, 1, 1, 1, 0), TERMS) == {"issued": 1}
    assert len(all_invoices()[-1].lines) == 1  # the other shipment only


def test_a_bad_nip_refuses_to_issue_and_writes_nothing(app):
    account = make_account(nip="1234567890")
    charge(account, warsaw(2026, 12, 2, 10, 0), shipment=make_shipment(account))
    assert invoices.run_per_order(warsaw(2026, 12, 2, 10, 1), TERMS) == {"refused": 1}
    assert all_invoices() == []
    assert db.session.scalar(select(func.count()).select_from(InvoiceLine)) == 0
    shipment = make_shipment(account)
    charge(account, warsaw(2026, 12, 2, 10, 5), shipment=shipment)
    with pytest.raises(BuyerDataError) as refused:
        invoices.invoice_shipment(shipment.id, now=warsaw(2026, 12, 2, 10, 6), terms=TERMS)
    assert refused.value.field == "nip" and "1234567890" in str(refused.value)
    # fixed, the next run issues them with the first number of the month: no gap was left
    db.session.rollback()
    invoices.issuing.profile(account).nip = "9512345675"
    db.session.commit()
    assert invoices.run_per_order(warsaw(2026, 12, 2, 10, 7), TERMS) == {"issued": 2}
    assert [i.number for i in all_invoices()] == ["FV/2026/12/0001", "FV/2026/12/0002"]
