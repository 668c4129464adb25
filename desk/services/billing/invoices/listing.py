"""Reading invoices for the desk's pages: the filtered list, one invoice with its corrections, the
documents to download. Agents see only their accounts' invoices (`account_ids`; None = all)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from desk.extensions import db
from desk.models.account import SellerAccount
from desk.models.invoice import Invoice, InvoiceKind, InvoiceState
from desk.services.billing.invoices.issuing import outstanding
from desk.services.billing.invoices.ksef import fa3_xml
from desk.services.billing.invoices.mailing import file_stem
from desk.services.billing.invoices.pdf import invoice_pdf
from desk.services.errors import N_, NotFoundError

PAGE = 50


@dataclass(frozen=True)
class Filters:
    """The list's filters; empty values filter nothing."""

    account_id: int | None = None
    state: str = ""  # issued | paid | overdue
    kind: str = ""  # vat | correction
    month: str = ""  # YYYY-MM of the issue date
    page: int = 1


@dataclass(frozen=True)
class Row:
    invoice: Invoice
    account_name: str
    due: object  # Decimal still to pay


def find(account_ids: set[int] | None, filters: Filters, *, today: dt.date) -> tuple[list[Row], bool]:
    """One page of invoices, newest first, and whether there is a next page."""
    query = select(Invoice, SellerAccount.name).join(SellerAccount, SellerAccount.id == Invoice.account_id)
    if account_ids is not None:
        query = query.where(Invoice.account_id.in_(account_ids))
    if filters.account_id is not None:
        query = query.where(Invoice.account_id == filters.account_id)
    if filters.kind in {kind.value for kind in InvoiceKind}:
        query = query.where(Invoice.kind == InvoiceKind(filters.kind))
    if filters.state in {state.value for state in InvoiceState}:
        query = query.where(Invoice.state == InvoiceState(filters.state))
    elif filters.state == "overdue":
        query = query.where(Invoice.state == InvoiceState.ISSUED, Invoice.due_date < today)
    month = _month(filters.month)
    if month is not None:
        query = query.where(Invoice.year == month[0], Invoice.month == month[1])
    page = max(filters.page, 1)
    rows = db.session.execute(
        query.order_by(Invoice.issue_date.desc(), Invoice.id.desc()).offset((page - 1) * PAGE).limit(PAGE + 1)
    ).all()
    found = [Row(invoice, name, outstanding(invoice)) for invoice, name in rows[:PAGE]]
    return found, len(rows) > PAGE


def recent(account_id: int, *, today: dt.date, limit: int = 5) -> list[Row]:
    """The account's newest invoices (for its billing page), with what is still due on each."""
    rows, _more = find({account_id}, Filters(account_id=account_id), today=today)
    return rows[:limit]


def _month(value: str) -> tuple[int, int] | None:
    try:
        year, month = (int(part) for part in value.split("-"))
    except ValueError:
        return None
    return (year, month) if 2000 <= year <= 2100 and 1 <= month <= 12 else None


def get(invoice_id: int, account_ids: set[int] | None) -> Invoice:
    """One invoice the caller may see; NotFoundError otherwise (another account's looks the same)."""
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None or (account_ids is not None and invoice.account_id not in account_ids):
        raise NotFoundError(N_("Invoice not found."))
    return invoice


def corrections_of(invoice: Invoice) -> list[Invoice]:
    """The corrections issued to an invoice, oldest first."""
    query = select(Invoice).where(Invoice.corrects_id == invoice.id).order_by(Invoice.id)
    return db.session.scalars(query).all()


def document(invoice: Invoice, kind: str) -> tuple[bytes, str, str]:
    """(content, file name, media type) of the invoice's PDF or FA(3) XML."""
    if kind == "pdf":
        return invoice_pdf(invoice, original=invoice.corrects), f"{file_stem(invoice)}.pdf", "application/pdf"
    return fa3_xml(invoice, original=invoice.corrects), f"{file_stem(invoice)}.xml", "application/xml"
