"""What is there to invoice: the ledger entries of services not invoiced yet, read in batches (one query
for many accounts, never one per entry), and how cancellation refunds settle them.

Invoiced services: shipment charges, surcharges, manual-cancellation fees and withdrawal fees. A
cancellation refund (`cancel_refund`, linked to the shipment) of a charge not invoiced yet nets it out:
fully refunded, neither is ever invoiced; partly, the charge is invoiced at what is left. A refund of a
charge already invoiced leads to a correction of that invoice's line.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, exists, select

from desk.extensions import db
from desk.models.billing import EntryKind, LedgerEntry
from desk.models.invoice import InvoiceLine, NettedEntry
from desk.models.shipment import Shipment
from desk.services.billing.invoices.amounts import Figures, from_gross, from_snapshot

SERVICES = (EntryKind.SHIPMENT_CHARGE, EntryKind.SURCHARGE, EntryKind.CANCEL_FEE, EntryKind.WITHDRAWAL_FEE)
REFUND = EntryKind.CANCEL_REFUND
# the invoice is a Polish document whatever the desk's language: its wording is Polish here
CARRIERS = {"inpost": "InPost", "dpd": "DPD", "poczta": "Poczta Polska", "allegro": "Wysyłam z Allegro"}


@dataclass(frozen=True)
class Pending:
    """An entry not invoiced yet, with what its line needs from its shipment."""

    id: int
    account_id: int
    kind: EntryKind
    amount: Decimal
    created_at: dt.datetime
    shipment_id: int | None
    reason: str
    reference: str
    carrier: str | None = None
    service: str | None = None
    waybills: tuple[str, ...] = ()
    quote: dict | None = None


@dataclass
class Item:
    """A service to put on an invoice: its entry, its figures, its description."""

    entry: Pending
    figures: Figures
    description: str
    netted: list[int] = field(default_factory=list)  # refunds settled against it


@dataclass
class Plan:
    """One account's pending entries sorted out: items to invoice, entries cancelling out, refunds of
    invoiced charges (to correct), refunds waiting for their charge."""

    items: list[Item] = field(default_factory=list)
    netted: list[tuple[int, int | None]] = field(default_factory=list)  # (entry, against)
    refunds: list[Pending] = field(default_factory=list)


def pending(
    account_ids: Sequence[int] | None = None, *, before: dt.datetime | None = None,
    shipment_id: int | None = None,
) -> dict[int, list[Pending]]:
    """Uninvoiced, unnetted service and refund entries, by account, oldest first (one query)."""
    query = (
        select(
            LedgerEntry.id, LedgerEntry.account_id, LedgerEntry.kind, LedgerEntry.amount,
            LedgerEntry.created_at, LedgerEntry.shipment_id, LedgerEntry.reason, LedgerEntry.reference,
            Shipment.carrier, Shipment.service, Shipment.waybills, Shipment.quote,
        )
        .outerjoin(Shipment, Shipment.id == LedgerEntry.shipment_id)
        .where(
            LedgerEntry.kind.in_((*SERVICES, REFUND)),
            ~exists().where(InvoiceLine.entry_id == LedgerEntry.id),
            ~exists().where(NettedEntry.entry_id == LedgerEntry.id),
        )
        .order_by(LedgerEntry.account_id, LedgerEntry.seq)
    )
    if account_ids is not None:
        query = query.where(LedgerEntry.account_id.in_(account_ids))
    if before is not None:
        query = query.where(LedgerEntry.created_at < before)
    if shipment_id is not None:
        query = query.where(LedgerEntry.shipment_id == shipment_id)
    found: dict[int, list[Pending]] = defaultdict(list)
    for row in db.session.execute(query):
        found[row.account_id].append(
            Pending(row.id, row.account_id, row.kind, row.amount, row.created_at, row.shipment_id,
                    row.reason or "", row.reference or "", row.carrier, row.service,
                    tuple(row.waybills or ()), row.quote)
        )
    return found


def plan(entries: Iterable[Pending]) -> Plan:
    """Sort one account's pending entries: refunds net out the charges of their shipment first."""
    result = Plan()
    refunds: dict[int | None, list[Pending]] = defaultdict(list)
    services: list[Pending] = []
    for entry in entries:
        (refunds[entry.shipment_id] if entry.kind is REFUND else services).append(entry)
    for entry in services:
        gross = -entry.amount
        own = refunds.pop(entry.shipment_id, []) if entry.kind is EntryKind.SHIPMENT_CHARGE else []
        refunded = sum((refund.amount for refund in own), Decimal("0.00"))
        if own and refunded >= gross:  # cancelled before it was invoiced: nothing to invoice
            result.netted.append((entry.id, own[0].id))
            result.netted.extend((refund.id, entry.id) for refund in own)
            continue
        figures = from_gross(gross - refunded) if own else _figures(entry, gross)
        result.items.append(Item(entry, figures, describe(entry), [refund.id for refund in own]))
    for waiting in refunds.values():
        result.refunds.extend(waiting)
    return result


def _figures(entry: Pending, gross: Decimal) -> Figures:
    if entry.kind is EntryKind.SHIPMENT_CHARGE:
        return from_snapshot(entry.quote, gross)
    return from_gross(gross)


def describe(entry: Pending) -> str:
    """The line's description in Polish (the document's language)."""
    parcel = ", ".join(entry.waybills) if entry.waybills else (f"nr {entry.shipment_id}" if entry.shipment_id
                                                               else "")
    carrier = CARRIERS.get(entry.carrier or "", entry.carrier or "")
    if entry.kind is EntryKind.SHIPMENT_CHARGE:
        service = f" ({entry.service})" if entry.service else ""
        return f"Usługa przewozowa {carrier}{service}, przesyłka {parcel}".strip().rstrip(",")
    if entry.kind is EntryKind.SURCHARGE:
        why = f": {entry.reason}" if entry.reason else ""
        return f"Dopłata do przesyłki {parcel} {carrier}{why}".replace("  ", " ")
    if entry.kind is EntryKind.CANCEL_FEE:
        return f"Opłata za anulowanie przesyłki {parcel}".strip()
    return "Opłata za wypłatę środków z salda"


def invoiced_lines(shipment_ids: Iterable[int]) -> dict[int, list[InvoiceLine]]:
    """Lines that invoiced shipment charges of these shipments, by shipment (one query)."""
    ids = sorted({shipment_id for shipment_id in shipment_ids if shipment_id is not None})
    if not ids:
        return {}
    rows = db.session.scalars(
        select(InvoiceLine)
        .join(LedgerEntry, and_(LedgerEntry.id == InvoiceLine.entry_id,
                                LedgerEntry.kind == EntryKind.SHIPMENT_CHARGE))
        .where(InvoiceLine.shipment_id.in_(ids))
    )
    found: dict[int, list[InvoiceLine]] = defaultdict(list)
    for line in rows:
        found[line.shipment_id].append(line)
    return found
