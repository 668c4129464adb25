"""The invoicing runs: per order (the 16:00 rule, every minute), per period (after each period ends),
and one shipment alone on request. Each run reads what is pending in one query for all its accounts and
issues per account; one account's bad billing data is counted and skipped, never stopping the others.
Every invoice is keyed, so a rerun (or two workers at once) issues nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

from sqlalchemy import select

from desk.extensions import db
from desk.models.billing import BillingProfile, InvoiceMode
from desk.models.invoice import Invoice, NettedEntry
from desk.models.shipment import Shipment
from desk.services.billing.invoices import sources, timing
from desk.services.billing.invoices.corrections import correct_refunds
from desk.services.billing.invoices.issuing import Draft, LineDraft, Terms, issue
from desk.services.billing.invoices.parties import BuyerDataError
from desk.services.errors import N_, NotFoundError, ValidationError
from desk.services.shared.workdays import warsaw_date

log = logging.getLogger(__name__)
PERIODIC = (InvoiceMode.SEMIMONTHLY, InvoiceMode.MONTHLY)


def _accounts(mode: InvoiceMode) -> list[int]:
    """Accounts invoiced in `mode`; their profiles stay in the session (no query per account later)."""
    profiles = db.session.scalars(select(BillingProfile).where(BillingProfile.invoice_mode == mode)).all()
    return [found.account_id for found in profiles]


def _line(item: sources.Item) -> LineDraft:
    entry = item.entry
    return LineDraft(item.description, item.figures, entry_id=entry.id, shipment_id=entry.shipment_id)


def _net(netted: list[tuple[int, int | None]]) -> None:
    db.session.add_all(NettedEntry(entry_id=entry, against_id=against) for entry, against in netted)
    db.session.commit()


def _issue(draft: Draft, terms: Terms, counts: Counter) -> Invoice | None:
    try:
        invoice = issue(draft, terms)
    except BuyerDataError as exc:
        db.session.rollback()
        log.warning("account %s not invoiced: %s", draft.account_id, exc)
        counts["refused"] += 1
        return None
    counts["issued"] += 1
    return invoice


def run_per_order(now: dt.datetime, terms: Terms) -> dict[str, int]:
    """Invoice each due service of per-order accounts on its own invoice, dated by the 16:00 rule; net out
    refunds of services not invoiced yet; correct invoices whose shipment was refunded."""
    counts: Counter[str] = Counter()
    accounts = _accounts(InvoiceMode.PER_ORDER)
    if not accounts:
        return {}
    for account_id, entries in sources.pending(accounts).items():
        plan = sources.plan(entries)
        if plan.netted:
            _net(plan.netted)
            counts["netted"] += len(plan.netted)
        for item in plan.items:
            if timing.issue_moment(item.entry.created_at) > now:
                counts["waiting"] += 1
                continue
            draft = Draft(
                account_id=account_id, key=f"entry:{item.entry.id}",
                issue_date=timing.invoice_date(item.entry.created_at),
                sale_date=warsaw_date(item.entry.created_at), lines=[_line(item)],
                netted=[(refund, item.entry.id) for refund in item.netted],
            )
            _issue(draft, terms, counts)
        if plan.refunds:
            counts["corrections"] += len(correct_refunds(account_id, plan.refunds, today=warsaw_date(now),
                                                         terms=terms))
    return dict(counts)


def run_periodic(now: dt.datetime, terms: Terms) -> dict[str, int]:
    """Issue the invoices of the newest ended period of each periodic mode (idempotent)."""
    counts: Counter[str] = Counter()
    for mode in PERIODIC:
        counts.update(run_period(mode, timing.last_closed_period(mode, now), now, terms))
    return dict(counts)


def run_period(mode: InvoiceMode, period: timing.Period, now: dt.datetime, terms: Terms) -> dict[str, int]:
    """One invoice per account of `mode` for everything it was charged before the period's end and not
    invoiced yet; corrections for refunds of invoiced shipments. Rerunning the period issues nothing new."""
    counts: Counter[str] = Counter()
    accounts = _accounts(mode)
    if not accounts:
        return {}
    today = warsaw_date(now)
    for account_id, entries in sources.pending(accounts, before=period.ends_at).items():
        plan = sources.plan(entries)
        if plan.netted:
            _net(plan.netted)
            counts["netted"] += len(plan.netted)
        if plan.items:
            draft = Draft(
                account_id=account_id, key=f"period:{account_id}:{period.start}:{period.end}",
                issue_date=today, period=(period.start, period.end),
                lines=[_line(item) for item in plan.items],
                netted=[(refund, item.entry.id) for item in plan.items for refund in item.netted],
            )
            _issue(draft, terms, counts)
        if plan.refunds:
            counts["corrections"] += len(correct_refunds(account_id, plan.refunds, today=today, terms=terms))
    return dict(counts)


def invoice_shipment(
    shipment_id: int, *, now: dt.datetime, terms: Terms, account_ids: set[int] | None = None,
    agent_id: int | None = None,
) -> Invoice:
    """A separate invoice for one shipment's services not invoiced yet, on the account's request.

    Raises NotFoundError for a shipment the caller may not see, ValidationError when nothing of it is
    waiting to be invoiced, BuyerDataError when the account's billing data cannot go on an invoice.
    """
    shipment = db.session.get(Shipment, shipment_id)
    if shipment is None or (account_ids is not None and shipment.account_id not in account_ids):
        raise NotFoundError(N_("Shipment not found."))
    entries = sources.pending([shipment.account_id], shipment_id=shipment_id).get(shipment.account_id, [])
    plan = sources.plan(entries)
    if plan.netted:
        _net(plan.netted)
    if not plan.items:
        raise ValidationError(N_("Nothing of this shipment is waiting to be invoiced."))
    first = plan.items[0].entry
    draft = Draft(
        account_id=shipment.account_id, key=f"single:{first.id}", issue_date=warsaw_date(now),
        sale_date=warsaw_date(first.created_at), lines=[_line(item) for item in plan.items],
        netted=[(refund, item.entry.id) for item in plan.items for refund in item.netted],
        created_by=agent_id,
    )
    return issue(draft, terms)
