"""What shipments cost the account: the quoted gross charged when a shipment is recorded, the full refund
when it does not happen (the carrier refused it, it was cancelled), the fee of a late cancellation.

Every posting here is keyed by the shipment, so whatever path reaches it again (a retried job, a second
click, the carrier reporting the cancellation the desk asked for) charges, refunds and fines a shipment
once. None of these commits: the caller commits the entry with the shipment row it belongs to.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from desk.extensions import db
from desk.models.billing import EntryKind, LedgerEntry
from desk.services.billing.ledger import Posting, post
from desk.services.errors import N_, ValidationError

ZERO = Decimal("0.00")
CHARGED = N_("Shipment ordered")
REFUSED = N_("Refund: the carrier refused the shipment")
CANCELLED = N_("Refund: the shipment was cancelled")
LATE_CANCEL = N_("Manual cancellation after the carrier's cutoff")


def charge_key(shipment_id: int) -> str:
    return f"charge:shipment:{shipment_id}"


def refund_key(shipment_id: int) -> str:
    return f"refund:shipment:{shipment_id}"


def fee_key(shipment_id: int) -> str:
    return f"cancel_fee:shipment:{shipment_id}"


def charge_shipment(
    *, account_id: int, shipment_id: int, gross: Decimal, actor_id: int | None = None, reference: str = ""
) -> LedgerEntry:
    """Take the shipment's quoted gross price from the balance (or the credit of an account on invoice).

    Raises Shortfall when the account cannot pay (nothing written), ValidationError without a price."""
    if gross is None or gross <= 0:
        raise ValidationError(N_("A shipment without a price cannot be charged."))
    return post(
        Posting(
            account_id, EntryKind.SHIPMENT_CHARGE, -gross, key=charge_key(shipment_id),
            shipment_id=shipment_id, reference=reference, reason=CHARGED, actor_id=actor_id,
        )
    )


def _sum(shipment_id: int, kind: EntryKind) -> Decimal:
    total = db.session.scalar(
        select(func.sum(LedgerEntry.amount)).where(
            LedgerEntry.shipment_id == shipment_id, LedgerEntry.kind == kind
        )
    )
    return Decimal(total or 0).quantize(Decimal("0.01"))


def charged(shipment_id: int) -> Decimal:
    """What the shipment was charged (a positive amount; 0.00 for one recorded before charging began)."""
    return -_sum(shipment_id, EntryKind.SHIPMENT_CHARGE)


def refund_shipment(
    *, account_id: int, shipment_id: int, reason: str = CANCELLED, actor_id: int | None = None
) -> LedgerEntry | None:
    """Give back everything the shipment was charged, once (None when it was never charged)."""
    amount = charged(shipment_id)
    if amount <= 0:
        return None
    return post(
        Posting(
            account_id, EntryKind.CANCEL_REFUND, amount, key=refund_key(shipment_id),
            shipment_id=shipment_id, reason=reason, actor_id=actor_id,
        )
    )


def cancel_fee(fee: Decimal, shipment_id: int) -> Decimal:
    """The manual-cancellation fee for this shipment: the set fee, never more than it was charged."""
    return max(ZERO, min(fee, charged(shipment_id)))


def charge_cancel_fee(
    *, account_id: int, shipment_id: int, fee: Decimal, actor_id: int | None = None
) -> LedgerEntry | None:
    """Charge the fee of a manual cancellation after the cutoff, once, capped at the shipment's price
    (the refund posted with it gives the price back, so the account never pays more than it was charged).
    The fee is owed whatever the balance. None when nothing is due (the shipment was never charged)."""
    amount = cancel_fee(fee, shipment_id)
    if amount <= 0:
        return None
    return post(
        Posting(
            account_id, EntryKind.CANCEL_FEE, -amount, key=fee_key(shipment_id), shipment_id=shipment_id,
            reason=LATE_CANCEL, actor_id=actor_id, enforce_limit=False,
        )
    )
