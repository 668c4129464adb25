"""Executing a decided request, once: erasure (through the eraser port; under a hold a restriction instead),
restriction, or fulfilment; then a receipt without personal data.

Running it again on an executed request changes nothing: the request is returned as it is.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from desk.extensions import db
from desk.models.privacy_request import Decision, PrivacyRequest, RequestState
from desk.services.errors import N_, ConflictError, PermissionDenied
from desk.services.privacy.holds import Hold, buyer_holds
from desk.services.privacy.ports import PrivacyPorts
from desk.services.privacy.requests import get_request, move
from desk.services.privacy.restrictions import restrict

DONE = (RequestState.EXECUTED, RequestState.ANSWERED, RequestState.CLOSED)
ALLEGRO_NOTE = "erasure_in_desk_only"  # the desk does not erase the buyer's data at Allegro


def execute(request_id: int, *, ports: PrivacyPorts, agent_id: int, now: dt.datetime,
            four_eyes: bool = False) -> PrivacyRequest:
    """Carry out the decision. Idempotent: an executed request is returned unchanged. Commits."""
    request = get_request(request_id)
    if request.working_state in DONE:
        return request
    if request.working_state is not RequestState.DECIDED:
        raise ConflictError(N_("This step is not possible now."))
    if four_eyes and request.decided_by == agent_id:
        raise PermissionDenied(N_("Another owner must execute what you approved."))
    account_ids = list(request.account_ids or [])
    buyer = request.buyer_allegro_id or ""
    holds = buyer_holds(account_ids=account_ids, buyer_allegro_id=buyer, now=now)
    counts: Counter[str] = Counter()
    kept: list[dict] = []
    if request.decision is Decision.ERASE:
        counts, kept = _erase(request, ports, holds, now)
    elif request.decision is Decision.RESTRICT:
        kept = _restrict(request, account_ids, holds, erase_later=False)
    receipt = _receipt(request, ports, counts, kept, agent_id, now)
    move(request, RequestState.EXECUTED, agent_id=agent_id, now=now,
         info={"decision": request.decision.value if request.decision else None,
               "counts": dict(counts), "restricted_accounts": [k["account_id"] for k in kept]})
    request.receipt, request.executed_by, request.executed_at = receipt, agent_id, now
    db.session.commit()
    return request


def _erase(request: PrivacyRequest, ports: PrivacyPorts, holds: list[Hold], now: dt.datetime
           ) -> tuple[Counter[str], list[dict]]:
    """Erase on the accounts without holds; restrict on the others (completed when the holds go)."""
    held_accounts = {hold.account_id for hold in holds}
    free = [a for a in request.account_ids or [] if a not in held_accounts]
    counts: Counter[str] = Counter()
    if free:
        result = ports.erase_buyer(account_ids=free, buyer_allegro_id=request.buyer_allegro_id, now=now,
                                   reason=f"privacy_request:{request.id}")
        counts.update(dict(result.counts))
    held = [a for a in request.account_ids or [] if a in held_accounts]
    return counts, _restrict(request, held, holds, erase_later=True)


def _restrict(request: PrivacyRequest, account_ids: list[int], holds: list[Hold], *, erase_later: bool
              ) -> list[dict]:
    kept = []
    for account_id in account_ids:
        own = [hold for hold in holds if hold.account_id == account_id]
        restriction = restrict(account_id=account_id, buyer_allegro_id=request.buyer_allegro_id,
                               request_id=request.id, holds=own, erase_when_released=erase_later)
        kept.append({
            "account_id": account_id, "restriction_id": restriction.id, "reason": restriction.reason,
            "until": restriction.until.isoformat() if restriction.until else None,
            "holds": [hold.ref for hold in own],
        })
    return kept


def _receipt(request: PrivacyRequest, ports: PrivacyPorts, counts: Counter[str], kept: list[dict],
             agent_id: int, now: dt.datetime) -> dict:
    """What was done, for the controller's records: ids, pseudonyms and counts, never the buyer's data."""
    buyer = request.buyer_allegro_id or ""
    accounts = list(request.account_ids or [])
    return {
        "request_id": request.id,
        "type": request.type.value,
        "decision": request.decision.value if request.decision else None,
        "pseudonyms": {str(a): ports.buyer_pseudonym(a, buyer) for a in accounts} if buyer else {},
        "counts": dict(sorted(counts.items())),
        "kept": kept,
        "approved_by": request.decided_by,
        "executed_by": agent_id,
        "executed_at": now.isoformat(),
        "note": ALLEGRO_NOTE,
    }
