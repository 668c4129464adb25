"""Restriction of processing (GDPR Art. 18): a buyer whose data must be kept (a hold) or who asked for it.

A restricted buyer's data stays in the database but is hidden from agents (the orders search leaves the
buyer out) and from agents' exports. An erasure turned into a restriction by a hold is completed by
`complete_released` (the daily job) once no hold applies to the buyer on that account any more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import select

from desk.extensions import db
from desk.models.privacy_request import BuyerRestriction, PrivacyRequest
from desk.services.privacy.audit import record_event
from desk.services.privacy.holds import Hold, buyer_holds
from desk.services.privacy.ports import BuyerEraser


def restrict(
    *, account_id: int, buyer_allegro_id: str, request_id: int | None, holds: list[Hold],
    erase_when_released: bool,
) -> BuyerRestriction:
    """An open restriction of the buyer on one account (reused if one is open). The caller commits."""
    reason = ",".join(sorted({f"{h.kind}:{h.reason}" for h in holds})) or "request"
    dates = [h.until for h in holds if h.until is not None]
    open_one = db.session.scalar(select(BuyerRestriction).where(
        BuyerRestriction.account_id == account_id, BuyerRestriction.buyer_allegro_id == buyer_allegro_id,
        BuyerRestriction.completed_at.is_(None),
    ))
    restriction = open_one or BuyerRestriction(account_id=account_id, buyer_allegro_id=buyer_allegro_id)
    restriction.request_id = request_id if request_id is not None else restriction.request_id
    restriction.reason = reason[:120]
    restriction.until = min(dates) if dates else None
    restriction.erase_when_released = erase_when_released or bool(restriction.erase_when_released)
    db.session.add(restriction)
    db.session.flush()
    return restriction


def restricted_buyers(account_ids: Collection[int] | None = None) -> set[tuple[int, str]]:
    """(account id, buyer id) of every open restriction (on these accounts, or all)."""
    query = select(BuyerRestriction.account_id, BuyerRestriction.buyer_allegro_id).where(
        BuyerRestriction.completed_at.is_(None)
    )
    if account_ids is not None:
        query = query.where(BuyerRestriction.account_id.in_(sorted(account_ids)))
    return {(row.account_id, row.buyer_allegro_id) for row in db.session.execute(query)}


def complete_released(*, erase_buyer: BuyerEraser, now: dt.datetime) -> int:
    """Erase every restricted buyer (held erasure) whose holds are all gone; returns how many. Commits
    after each buyer, so a crash leaves the rest for the next run."""
    query = select(BuyerRestriction.id).where(
        BuyerRestriction.completed_at.is_(None), BuyerRestriction.erase_when_released.is_(True)
    ).order_by(BuyerRestriction.id)
    done = 0
    for restriction_id in list(db.session.scalars(query)):
        restriction = db.session.get(BuyerRestriction, restriction_id)
        account_ids = [restriction.account_id]
        if buyer_holds(account_ids=account_ids, buyer_allegro_id=restriction.buyer_allegro_id, now=now):
            continue
        result = erase_buyer(account_ids=account_ids, buyer_allegro_id=restriction.buyer_allegro_id, now=now,
                             reason=f"privacy_request:{restriction.request_id}")
        restriction.completed_at = now
        _add_to_receipt(restriction, dict(result.counts), now)
        record_event("restriction_completed", now=now, agent_id=None, request_id=restriction.request_id,
                     info={"restriction_id": restriction.id, "account_id": restriction.account_id,
                           "counts": dict(result.counts)})
        db.session.commit()
        done += 1
    return done


def _add_to_receipt(restriction: BuyerRestriction, counts: dict[str, int], now: dt.datetime) -> None:
    request = db.session.get(PrivacyRequest, restriction.request_id) if restriction.request_id else None
    if request is None or request.receipt is None:
        return
    receipt = dict(request.receipt)
    receipt["completed_later"] = [*receipt.get("completed_later", []), {
        "account_id": restriction.account_id, "completed_at": now.isoformat(), "counts": counts,
    }]
    request.receipt = receipt
