"""Reviewing a surcharge: the seller accepts it (it is charged at once) or disputes it with a reason; an
administrator upholds a dispute (charged) or drops the surcharge, and links an unlinked one to its shipment.

Charging posts one SURCHARGE ledger entry keyed "surcharge:<id>", owed whatever the balance (no limit), so
a charge retried or raced writes one entry. An invoice-mode account pays it with its next invoice, which
is built from the ledger, so the entry is all it takes. Offsetting surcharges against cash on delivery
comes later: it will take ACCEPTED surcharges off a COD payout in `settle` instead of posting them here.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from desk.extensions import db
from desk.models import EntryKind, LedgerEntry, Surcharge, SurchargeState
from desk.orm import utcnow
from desk.services.billing.ledger import Posting, post
from desk.services.billing.surcharges import matching
from desk.services.errors import N_, ConflictError, NotFoundError, ValidationError

REASON_MAX = 2000
NOTE_MAX = 2000
WAYBILL_MAX = 64


class FieldError(ValidationError):
    """A field of the form is wrong (the view shows the message next to it); nothing was written."""

    def __init__(self, field: str, message: str, **params) -> None:
        super().__init__(message, **params)
        self.field = field


def get_surcharge(surcharge_id: int, *, account_ids: set[int] | None, lock: bool = False) -> Surcharge:
    """The surcharge, if the caller may see it: `account_ids` None sees all, else only linked surcharges of
    those accounts (an unlinked one belongs to no account yet). NotFoundError otherwise."""
    query = select(Surcharge).where(Surcharge.id == surcharge_id)
    if account_ids is not None:
        query = query.where(Surcharge.account_id.in_(account_ids or {-1}))
    if lock:
        query = query.with_for_update()
    found = db.session.scalar(query)
    if found is None:
        raise NotFoundError(N_("Surcharge not found."))
    return found


def accept(surcharge_id: int, *, agent_id: int | None, account_ids: set[int] | None,
           now: dt.datetime | None = None) -> Surcharge:
    """The seller agrees to a new surcharge: it is accepted and charged in one commit."""
    now = now or utcnow()
    surcharge = _for_review(surcharge_id, account_ids)
    surcharge.state = SurchargeState.ACCEPTED
    surcharge.reviewed_by, surcharge.reviewed_at = agent_id, now
    settle(surcharge, actor_id=agent_id, now=now)
    db.session.commit()
    return surcharge


def dispute(surcharge_id: int, *, reason: str, agent_id: int | None, account_ids: set[int] | None,
            now: dt.datetime | None = None) -> Surcharge:
    """The seller contests a new surcharge, saying why; nothing is charged until an administrator decides."""
    reason = (reason or "").strip()
    if not reason:
        raise FieldError("reason", N_("Say why the surcharge is wrong."))
    if len(reason) > REASON_MAX:
        raise FieldError("reason", N_("At most %(max)s characters."), max=REASON_MAX)
    surcharge = _for_review(surcharge_id, account_ids)
    surcharge.state = SurchargeState.DISPUTED
    surcharge.dispute_reason = reason
    surcharge.reviewed_by, surcharge.reviewed_at = agent_id, now or utcnow()
    db.session.commit()
    return surcharge


def resolve(surcharge_id: int, *, upheld: bool, note: str = "", agent_id: int | None,
            now: dt.datetime | None = None) -> Surcharge:
    """An administrator decides a dispute: upheld (the surcharge is owed and charged) or dropped."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise FieldError("note", N_("At most %(max)s characters."), max=NOTE_MAX)
    now = now or utcnow()
    surcharge = get_surcharge(surcharge_id, account_ids=None, lock=True)
    if surcharge.state is not SurchargeState.DISPUTED:
        raise ConflictError(N_("Only a disputed surcharge can be decided."))
    surcharge.state = SurchargeState.UPHELD if upheld else SurchargeState.DROPPED
    surcharge.resolution_note = note
    surcharge.resolved_by, surcharge.resolved_at = agent_id, now
    if upheld:
        charge(surcharge, actor_id=agent_id, now=now)
    db.session.commit()
    return surcharge


def link(surcharge_id: int, *, waybill: str, agent_id: int | None) -> Surcharge:
    """An administrator links a surcharge the import could not link to the shipment holding `waybill`
    (the carrier's own, or one the agent found); it then waits for the account's review."""
    waybill = (waybill or "").strip()
    if not waybill or len(waybill) > WAYBILL_MAX:
        raise FieldError("waybill", N_("Enter the waybill of a shipment."))
    surcharge = get_surcharge(surcharge_id, account_ids=None, lock=True)
    if surcharge.account_id is not None:
        raise ConflictError(N_("This surcharge is already linked to a shipment."))
    shipment = matching.shipments_by_waybill(surcharge.carrier, [waybill]).get(waybill)
    if shipment is None:
        raise FieldError("waybill", N_("No %(carrier)s shipment has the waybill %(waybill)s."),
                         carrier=surcharge.carrier, waybill=waybill)
    surcharge.shipment_id, surcharge.account_id = shipment.id, shipment.account_id
    surcharge.quoted = matching.quoted(shipment)
    surcharge.linked_by = agent_id
    db.session.commit()
    return surcharge


def settle(surcharge: Surcharge, *, actor_id: int | None, now: dt.datetime) -> None:
    """How an accepted surcharge is paid. Today: charged to the balance (or the next invoice) at once.
    The COD offset will decide here to leave it ACCEPTED for the next cash-on-delivery payout instead."""
    charge(surcharge, actor_id=actor_id, now=now)


def charge(surcharge: Surcharge, *, actor_id: int | None, now: dt.datetime) -> LedgerEntry:
    """Post the SURCHARGE entry (flushes; the caller commits) and mark the surcharge charged."""
    if surcharge.state not in (SurchargeState.ACCEPTED, SurchargeState.UPHELD, SurchargeState.CHARGED):
        raise ConflictError(N_("Only an accepted or upheld surcharge can be charged."))
    assert surcharge.account_id is not None  # accepted or upheld surcharges are linked
    entry = post(Posting(
        account_id=surcharge.account_id, kind=EntryKind.SURCHARGE, amount=-surcharge.gross,
        key=f"surcharge:{surcharge.id}", shipment_id=surcharge.shipment_id,
        reference=f"{surcharge.document} {surcharge.carrier_reference}".strip(),
        reason=f"{surcharge.carrier} {surcharge.carrier_code} {surcharge.waybill}", actor_id=actor_id,
        enforce_limit=False,
    ))
    surcharge.ledger_entry_id = entry.id
    surcharge.state = SurchargeState.CHARGED
    surcharge.charged_at = surcharge.charged_at or now
    return entry


def _for_review(surcharge_id: int, account_ids: set[int] | None) -> Surcharge:
    surcharge = get_surcharge(surcharge_id, account_ids=account_ids, lock=True)
    if surcharge.account_id is None:
        raise ConflictError(N_("This surcharge is not linked to a shipment yet."))
    if surcharge.state is not SurchargeState.NEW:
        raise ConflictError(N_("This surcharge was reviewed already."))
    return surcharge
