"""Money of complaints on the seller's balance.

A carrier complaint that succeeds gives the broker's service fee back: in full for accepted (or partly
accepted) loss, damage or shortage; for a late delivery as much as the carrier decided (the whole fee when
it accepts without naming a part). The refund is a ledger credit of kind CORRECTION: what was charged for the
parcel is lowered after the fact, the same kind the correction invoice of that fee stands for (CANCEL_REFUND
is for parcels cancelled before they went). It is keyed by the complaint (`complaint:<id>:fee-refund`), so it
is posted once whatever retries or second clicks come, and capped by what the parcel's fee still holds after
earlier refunds (a cancellation, another complaint).

Compensation for the goods is paid by the carrier to the seller's bank account: it is recorded on the
complaint, never posted here.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from desk.extensions import db
from desk.models.billing import EntryKind, LedgerEntry
from desk.models.complaint import CarrierKind, Complaint, ComplaintState
from desk.models.shipment import Shipment
from desk.services.billing import Posting, grosze, post

ZERO = Decimal("0.00")
REFUND_KINDS = (EntryKind.CANCEL_REFUND, EntryKind.CORRECTION)


def refund_key(complaint_id: int) -> str:
    return f"complaint:{complaint_id}:fee-refund"


def fee_of(shipment: Shipment) -> Decimal | None:
    """What the seller paid the broker for the parcel: its ledger charge, else the price it was ordered at."""
    charged = db.session.scalar(
        select(func.sum(LedgerEntry.amount)).where(
            LedgerEntry.shipment_id == shipment.id, LedgerEntry.kind == EntryKind.SHIPMENT_CHARGE
        )
    )
    if charged:
        return grosze(-Decimal(charged))
    return shipment.price_gross


def refunded_for(shipment_id: int) -> Decimal:
    """Credits already given back on a parcel's fee (cancellation refunds, corrections)."""
    total = db.session.scalar(
        select(func.sum(LedgerEntry.amount)).where(
            LedgerEntry.shipment_id == shipment_id, LedgerEntry.kind.in_(REFUND_KINDS), LedgerEntry.amount > 0
        )
    )
    return grosze(Decimal(total or 0))


def refund_due(complaint: Complaint, carrier_fee_refund: Decimal | None) -> Decimal | None:
    """The refund a decision calls for (before the cap); None when the carrier's decision on a delay does
    not say how much of the fee (an administrator then enters it)."""
    fee = complaint.fee_gross or ZERO
    if complaint.state not in (ComplaintState.ACCEPTED, ComplaintState.PARTLY_ACCEPTED):
        return ZERO
    if complaint.carrier_kind is not CarrierKind.DELAY:
        return fee
    if carrier_fee_refund is not None:
        return min(grosze(carrier_fee_refund), fee)
    return fee if complaint.state is ComplaintState.ACCEPTED else None


def refund_fee(complaint: Complaint, amount: Decimal, *, actor_id: int | None) -> LedgerEntry | None:
    """Credit `amount` (capped by what the parcel's fee still holds) to the seller's balance, once per
    complaint; flushes, the caller commits. None when nothing is left to refund."""
    if complaint.refund_entry_id is not None:
        return db.session.get(LedgerEntry, complaint.refund_entry_id)
    if complaint.shipment_id is not None:
        # two complaints about one parcel decided at once: the second waits here and sees the first refund
        db.session.execute(select(Shipment.id).where(Shipment.id == complaint.shipment_id).with_for_update())
    left = (complaint.fee_gross or ZERO) - (
        refunded_for(complaint.shipment_id) if complaint.shipment_id else ZERO
    )
    amount = min(grosze(amount), left)
    if amount <= ZERO:
        complaint.fee_refund_amount = ZERO
        return None
    entry = post(
        Posting(
            account_id=complaint.account_id,
            kind=EntryKind.CORRECTION,
            amount=amount,
            key=refund_key(complaint.id),
            shipment_id=complaint.shipment_id,
            reference=f"Reklamacja {complaint.id} {complaint.waybill}".strip(),
            reason=f"complaint {complaint.id}: the carrier's decision ({complaint.state.value})",
            actor_id=actor_id,
        )
    )
    complaint.fee_refund_amount, complaint.refund_entry_id = entry.amount, entry.id
    return entry
