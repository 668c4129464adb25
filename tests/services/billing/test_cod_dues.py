"""Dues that COD is withheld for and set off against: an invoice account's overdue invoices (the offset pays
the invoice), a prepaid account's surcharges that took its balance below zero (the offset links the
surcharge), and the balance for what they do not explain; nothing counted twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from desk.extensions import db
from desk.models import EntryKind, Invoice, InvoiceState, LedgerEntry, PaymentMode
from desk.models.cod import CodAccount, CodOffset, CodState, HoldSource
from desk.models.surcharge import Surcharge, SurchargeKind, SurchargeState
from desk.services import billing
from desk.services.billing import dues, invoices
from desk.services.billing.cod import offsets, progress
from desk.services.billing.surcharges import review
from desk.services.errors import ValidationError
from tests.services.billing.cod_helpers import at, make_cod
from tests.services.billing.invoicing import TERMS, charge, make_account, make_shipment, warsaw

D = Decimal
DELIVERED = dt.date(2026, 12, 1)


@pytest.fixture
def on_invoice(app):
    """An invoice customer with one 18.22 zł invoice issued on 2 Dec (payable in 7 days: 9 Dec) and 100 zł
    of COD due."""
    account = make_account(payment=PaymentMode.INVOICE)
    charge(account, warsaw(2026, 12, 2, 10, 0), shipment=make_shipment(account))
    invoices.run_per_order(warsaw(2026, 12, 2, 10, 1), TERMS)
    invoice = db.session.scalars(select(Invoice).where(Invoice.account_id == account)).one()
    cod = make_cod(account, "100.00", tier=1, delivered_on=DELIVERED, received=True)
    return account, invoice, cod


def test_an_invoice_is_a_due_only_once_past_its_payment_day(on_invoice):
    account, invoice, _cod = on_invoice
    assert invoice.due_date == dt.date(2026, 12, 9)
    assert dues.open_dues(account, today=dt.date(2026, 12, 9)) == []
    [due] = dues.open_dues(account, today=dt.date(2026, 12, 10))
    assert (due.kind, due.id, due.amount) == ("invoice", str(invoice.id), D("18.22"))
    assert due.params["number"] == invoice.number


def test_an_overdue_invoice_holds_the_cod_and_the_offset_pays_it(on_invoice):
    account, invoice, cod = on_invoice
    now = at(dt.date(2026, 12, 10))
    progress.run(now=now)
    db.session.expire_all()
    settings = db.session.get(CodAccount, account)
    assert settings.held and settings.hold_source is HoldSource.DUES
    assert db.session.get(type(cod), cod.id).state is CodState.WITHHELD
    balance_before = billing.balance(account)

    [offset] = offsets.set_off(account, now=now, actor_id=None)
    assert (offset.due_kind, offset.due_id, offset.amount) == ("invoice", str(invoice.id), D("18.22"))
    entry = db.session.get(LedgerEntry, offset.ledger_entry_id)
    assert (entry.kind, entry.amount, entry.reference) == (
        EntryKind.COD_OFFSET, D("18.22"), f"invoice:{invoice.id}")
    db.session.expire_all()
    paid = db.session.get(Invoice, invoice.id)
    assert (paid.state, paid.paid_amount, paid.paid_at) == (
        InvoiceState.PAID, D("18.22"), dt.date(2026, 12, 10))
    assert billing.balance(account) == balance_before + D("18.22") == billing.ledger_sum(account)
    assert not db.session.get(CodAccount, account).held
    assert db.session.get(type(cod), cod.id).payable == D("81.78")
    assert dues.open_dues(account, today=dt.date(2026, 12, 10)) == []
    with pytest.raises(ValidationError):
        offsets.set_off(account, now=now, actor_id=None)


def test_an_invoice_paid_in_part_is_a_due_for_the_rest(on_invoice):
    account, invoice, _cod = on_invoice
    invoices.record_payment(invoice.id, amount=D("10.00"), reference="przelew 1",
                            paid_on=dt.date(2026, 12, 5), agent_id=None, today=dt.date(2026, 12, 5))
    [due] = dues.open_dues(account, today=dt.date(2026, 12, 10))
    assert due.amount == D("8.22")


def _charged_surcharge(account_id: int, gross: str, waybill: str, charged_at: dt.datetime) -> Surcharge:
    found = Surcharge(
        account_id=account_id, carrier="dpd", waybill=waybill, kind=SurchargeKind.OVERSIZE,
        carrier_code="NST", carrier_reference=f"ref-{waybill}", charged_on=charged_at.date(),
        net=(D(gross) / D("1.23")).quantize(D("0.01")), vat_rate=D("23"),
        vat=D(gross) - (D(gross) / D("1.23")).quantize(D("0.01")), gross=D(gross),
        state=SurchargeState.ACCEPTED,
    )
    db.session.add(found)
    db.session.flush()
    review.charge(found, actor_id=None, now=charged_at)
    db.session.commit()
    return found


def test_surcharges_that_took_a_prepaid_balance_below_zero_are_the_dues_they_are(app):
    from tests.services.billing.cod_helpers import make_account as bare_account

    account = bare_account().id
    billing.post(billing.Posting(account, EntryKind.TOPUP, D("10.00"), key="t1"))
    db.session.commit()
    older = _charged_surcharge(account, "12.30", "W1", at(dt.date(2026, 12, 1)))
    newer = _charged_surcharge(account, "24.60", "W2", at(dt.date(2026, 12, 2)))
    assert billing.balance(account) == D("-26.90")
    owed = dues.open_dues(account)
    # newest first: 24.60 of the newer one, then 2.30 of the older one (the top-up paid the rest)
    assert [(d.kind, d.id, d.amount) for d in owed] == [
        ("surcharge", str(newer.id), D("24.60")), ("surcharge", str(older.id), D("2.30"))]
    assert dues.total(owed) == -billing.balance(account)

    cod = make_cod(account, "20.00", tier=1, delivered_on=DELIVERED, received=True)
    now = at(dt.date(2026, 12, 3))
    progress.run(now=now)
    made = offsets.set_off(account, now=now, actor_id=None)
    assert [(o.due_kind, o.due_id, o.amount) for o in made] == [("surcharge", str(newer.id), D("20.00"))]
    # what is left is 4.60 of the newer surcharge and 2.30 of the older: the offset is counted once
    assert [(d.id, d.amount) for d in dues.open_dues(account)] == [
        (str(newer.id), D("4.60")), (str(older.id), D("2.30"))]
    assert db.session.get(type(cod), cod.id).state is CodState.PAID
    assert db.session.query(CodOffset).count() == 1


def test_the_account_page_names_the_overdue_invoice_in_polish(on_invoice, client, login):
    from flask import url_for

    from desk.models import Role
    from tests.factories import make_agent

    account, invoice, _cod = on_invoice
    invoice.due_date = dt.date(2026, 11, 20)  # an invoice whose payment day passed before today
    db.session.commit()
    login(make_agent(role=Role.ADMIN))
    page = client.get(url_for("cod.account", account_id=account)).get_data(as_text=True)
    assert f"Faktura {invoice.number} z terminem płatności 20.11.2026: 18,22" in page
