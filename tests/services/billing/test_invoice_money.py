"""Corrections from complaints, payments, the ordering block, gapless numbers under two workers, words."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from sqlalchemy import select

from desk.extensions import db
from desk.models import (
    CorrectionReason,
    EntryKind,
    Invoice,
    InvoiceMode,
    InvoiceState,
    LedgerEntry,
    PaymentMode,
)
from desk.services import billing
from desk.services.billing import invoices
from desk.services.billing.invoices import CorrectionError, LineChange, PaymentError
from desk.services.billing.invoices.issuing import Draft, LineDraft, issue
from tests.services.billing.invoicing import TERMS, charge, make_account, make_shipment, warsaw


def invoiced(account: int, *, payment: PaymentMode = PaymentMode.PREPAID) -> Invoice:
    charge(account, warsaw(2026, 12, 2, 10, 0), shipment=make_shipment(account))
    invoices.run_per_order(warsaw(2026, 12, 2, 10, 1), TERMS)
    return db.session.scalars(select(Invoice).where(Invoice.account_id == account)).one()


def test_a_complaint_lowering_a_charge_corrects_the_line_and_credits_the_difference(app):
    account = make_account()
    original = invoiced(account)
    before = billing.balance(account)
    line = original.lines[0]
    correction = invoices.correct_invoice(
        original.id, reason=CorrectionReason.DIMENSIONS, reason_text="Paczka miała wymiary gabarytu A",
        changes=[LineChange(line.id, gross=Decimal("12.30"))], key="complaint:1",
        today=dt.date(2026, 12, 10), terms=TERMS,
    )
    assert correction.number == "KOR/2026/12/0001" and correction.corrects_id == original.id
    assert (correction.net, correction.vat, correction.gross) == (
        Decimal("-4.81"), Decimal("-1.11"), Decimal("-5.92"))
    [corrected] = correction.lines
    assert corrected.before_gross == Decimal("18.22") and corrected.gross == Decimal("12.30")
    assert corrected.corrects_line_id == line.id
    entry = db.session.get(LedgerEntry, correction.ledger_entry_id)
    assert entry.kind is EntryKind.CORRECTION and entry.amount == Decimal("5.92")
    assert billing.balance(account) == before + Decimal("5.92")
    again = invoices.correct_invoice(
        original.id, reason=CorrectionReason.DIMENSIONS, reason_text="x",
        changes=[LineChange(line.id, gross=Decimal("1.00"))], key="complaint:1", today=dt.date(2026, 12, 10),
        terms=TERMS,
    )
    assert again.id == correction.id  # the same complaint issues one correction
    # a second correction starts from the state the first one left
    second = invoices.correct_invoice(
        original.id, reason=CorrectionReason.DESCRIPTION, reason_text="Zły opis usługi",
        changes=[LineChange(line.id, description="Usługa kurierska InPost Paczkomat")], key="complaint:2",
        today=dt.date(2026, 12, 11), terms=TERMS,
    )
    assert second.gross == 0 and second.ledger_entry_id is None
    assert second.lines[0].before_gross == Decimal("12.30") and second.lines[0].gross == Decimal("12.30")


def test_a_payer_data_correction_takes_the_fixed_billing_data(app):
    account = make_account()
    original = invoiced(account)
    kwargs = dict(reason=CorrectionReason.PAYER_DATA, reason_text="Błędna nazwa nabywcy", changes=[],
                  key="complaint:3", today=dt.date(2026, 12, 10), terms=TERMS)
    with pytest.raises(CorrectionError):  # nothing fixed in the account's data yet
        invoices.correct_invoice(original.id, **kwargs)
    billing.profile(account).company_name = "Sklep Kupującego sp. z o.o."
    db.session.commit()
    correction = invoices.correct_invoice(original.id, **kwargs)
    assert correction.buyer["name"] == "Sklep Kupującego sp. z o.o." and correction.lines == []
    assert original.buyer["name"] == "Sklep Kupującego sp. j."


@pytest.mark.parametrize(
    ("reason", "text", "changes", "field"),
    [
        (CorrectionReason.CANCELLATION, "x", [], "reason"),
        (CorrectionReason.CHARGES, " ", [], "reason_text"),
        (CorrectionReason.CHARGES, "x", [], "lines"),
        (CorrectionReason.CHARGES, "x", ["-1.00"], "gross"),
        (CorrectionReason.CHARGES, "x", ["1.005"], "gross"),
    ],
)
def test_bad_corrections_are_refused_and_nothing_written(app, reason, text, changes, field):
    account = make_account()
    original = invoiced(account)
    line_changes = [LineChange(original.lines[0].id, gross=Decimal(value)) for value in changes]
    with pytest.raises(CorrectionError) as refused:
        invoices.correct_invoice(original.id, reason=reason, reason_text=text, changes=line_changes,
                                 key="bad", today=dt.date(2026, 12, 10), terms=TERMS)
    db.session.rollback()
    assert refused.value.field.startswith(field)
    assert db.session.scalar(select(Invoice).where(Invoice.issue_key == "bad")) is None


def test_an_overdue_invoice_blocks_ordering_until_it_is_paid(app):
    account = make_account(mode=InvoiceMode.PER_ORDER, payment=PaymentMode.INVOICE)
    invoice = invoiced(account)
    assert invoice.state is InvoiceState.ISSUED and invoice.due_date == dt.date(2026, 12, 9)
    assert billing.ordering_block(account, warsaw(2026, 12, 14, 12, 0)) is None  # 5 days overdue: allowed
    block = billing.ordering_block(account, warsaw(2026, 12, 15, 0, 1))  # 6 days: blocked
    assert block is not None and block.due == Decimal("18.22") and block.numbers == (invoice.number,)
    assert block.params["amount"] == "18,22" and block.days_overdue == 6
    with pytest.raises(PaymentError):
        invoices.record_payment(invoice.id, amount=Decimal("20.00"), reference="P1",
                                paid_on=dt.date(2026, 12, 15), agent_id=None, today=dt.date(2026, 12, 15))
    invoices.record_payment(invoice.id, amount=Decimal("10.00"), reference="PRZELEW 1",
                            paid_on=dt.date(2026, 12, 15), agent_id=None, today=dt.date(2026, 12, 15))
    assert billing.ordering_block(account, warsaw(2026, 12, 15, 0, 1)).due == Decimal("8.22")
    invoices.record_payment(invoice.id, amount=Decimal("8.22"), reference="PRZELEW 2",
                            paid_on=dt.date(2026, 12, 15), agent_id=None, today=dt.date(2026, 12, 15))
    assert invoice.state is InvoiceState.PAID
    assert billing.ordering_block(account, warsaw(2026, 12, 15, 0, 1)) is None
    assert billing.balance(account) == Decimal("0.00")  # charged 18.22, paid 18.22


@pytest.mark.parametrize(
    ("amount", "reference", "paid_on", "field"),
    [("0", "P", dt.date(2026, 12, 3), "amount"), ("1.001", "P", dt.date(2026, 12, 3), "amount"),
     ("1.00", " ", dt.date(2026, 12, 3), "reference"), ("1.00", "P", dt.date(2026, 12, 31), "paid_on")],
)
def test_bad_payments_are_refused(app, amount, reference, paid_on, field):
    account = make_account(payment=PaymentMode.INVOICE)
    invoice = invoiced(account)
    with pytest.raises(PaymentError) as refused:
        invoices.record_payment(invoice.id, amount=Decimal(amount), reference=reference, paid_on=paid_on,
                                agent_id=None, today=dt.date(2026, 12, 3))
    db.session.rollback()
    assert refused.value.field == field
    assert invoice.paid_amount == 0


def test_two_workers_issuing_at_once_get_gapless_numbers(app):
    """Two threads issue 15 invoices each at the same moment: numbers 1..30, no gap, no repeat."""
    accounts = [make_account() for _ in range(2)]
    entries = {account: [charge(account, warsaw(2026, 12, 2, 9, 0), shipment=make_shipment(account)).id
                         for _ in range(15)] for account in accounts}
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(account: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                for entry_id in entries[account]:
                    draft = Draft(account_id=account, key=f"entry:{entry_id}",
                                  issue_date=dt.date(2026, 12, 2),
                                  lines=[LineDraft("Usługa", invoices.from_gross(Decimal("10.00")),
                                                   entry_id=entry_id)])
                    issue(draft, TERMS)
            except BaseException as exc:  # noqa: BLE001  (reported below)
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(account,)) for account in accounts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()
    seqs = sorted(db.session.scalars(select(Invoice.seq)))
    assert seqs == list(range(1, 31))


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1234.56", "tysiąc dwieście trzydzieści cztery złote, pięćdziesiąt sześć groszy"),
        ("1.01", "jeden złoty, jeden grosz"),
        ("22.12", "dwadzieścia dwa złote, dwanaście groszy"),
        ("15.00", "piętnaście złotych, zero groszy"),
        ("112.03", "sto dwanaście złotych, trzy grosze"),
        ("-5.92", "minus pięć złotych, dziewięćdziesiąt dwa grosze"),
    ],
)
def test_amount_in_words(amount, words):
    assert invoices.in_words(Decimal(amount)) == words
