"""Deciding claims: only the decisions Allegro allows from the claim's state, each with the fields it
needs (the amount of a partial refund) and a message; sent exactly once through the outbox.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from desk.models import OutboxMessage
from desk.models.issue import CLAIM, Issue
from desk.services import outbox
from desk.services.errors import N_, ValidationError
from desk.services.issues.detail import visible_issue
from desk.services.issues.replies import after_attempt
from desk.services.issues.writes import DECISION, HANDLERS, normalize_text, status_after
from desk.services.ports import AllegroGateway
from integrations.allegro import CLAIM_DECISIONS, ISSUE_TEXT_MAX

PARTIAL_REFUND = "ACCEPTED_PARTIAL_REFUND"
AMOUNT_FORMAT = N_("Enter the amount as a number with at most two decimals, e.g. 49,99.")
_AMOUNT = re.compile(r"^\d{1,9}([.,]\d{1,2})?$")


def allowed_decisions(issue: Issue) -> tuple[str, ...]:
    """Claim decisions Allegro allows from the claim's current status.

    Undecided: any. Accepted: only another acceptance. Rejected: only an acceptance (never a second
    rejection). Discussions have no decisions.
    """
    if issue.type != CLAIM:
        return ()
    accepts = tuple(d for d in CLAIM_DECISIONS if d.startswith("ACCEPTED_"))
    if issue.status == "CLAIM_SUBMITTED":
        return CLAIM_DECISIONS
    if issue.status == "CLAIM_ACCEPTED":
        return tuple(d for d in accepts if d != issue.decision)
    if issue.status == "CLAIM_REJECTED":
        return accepts
    return ()



def parse_amount(text: str | None) -> Decimal | None:
    """A refund typed as Poles do ("12,50") or with a dot; None when empty. ValidationError if unreadable."""
    value = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if not value:
        return None
    if not _AMOUNT.match(value):
        raise ValidationError(AMOUNT_FORMAT)
    try:
        return Decimal(value.replace(",", "."))
    except InvalidOperation as exc:
        raise ValidationError(AMOUNT_FORMAT) from exc


def decide_claim(
    gateway: AllegroGateway,
    *,
    issue_id: int,
    decision: str,
    message: str,
    refund_amount: str | None,
    agent_id: int | None,
    idempotency_key: str,
    account_ids: set[int] | None,
) -> OutboxMessage:
    """Send a claim decision with its message (and the amount of a partial refund), exactly once. Commits."""
    issue = visible_issue(issue_id, account_ids)
    key = outbox.write_key(DECISION, issue.account_id, issue.id, idempotency_key)
    repeated = outbox.find_by_key(key)
    if repeated is not None:
        return outbox.deliver(gateway, repeated.id, HANDLERS)
    body = normalize_text(message)
    refund = _validate_decision(issue, decision, body, refund_amount)
    row = outbox.enqueue(
        account_id=issue.account_id,
        kind=DECISION,
        target_id=issue.allegro_id,
        payload={
            "issue_id": issue.id,
            "decision": decision,
            "message": body,
            "partial_refund": refund,
            "from_status": issue.status,
            "expected_status": status_after(decision),
        },
        idempotency_key=key,
        agent_id=agent_id,
    )
    row = outbox.deliver(gateway, row.id, HANDLERS)
    after_attempt(gateway.client_for(issue.account_id), issue, row, agent_id)
    return row


def _validate_decision(issue: Issue, decision: str, body: str, refund_amount: str | None) -> dict | None:
    allowed = allowed_decisions(issue)
    if not allowed:
        raise ValidationError(N_("This issue cannot be decided now."))
    if decision not in allowed:
        raise ValidationError(N_("Allegro does not allow this decision from the claim's current state."))
    if not body:
        raise ValidationError(N_("Write a message to the buyer explaining the decision."))
    if len(body) > ISSUE_TEXT_MAX:
        raise ValidationError(N_("A message may have at most %(max)d characters."), max=ISSUE_TEXT_MAX)
    amount = parse_amount(refund_amount)
    if decision != PARTIAL_REFUND:
        return None
    if amount is None or amount <= 0:
        raise ValidationError(N_("A partial refund needs the amount to refund."))
    order = issue.order
    if order is not None and order.total_amount is not None and amount > order.total_amount:
        raise ValidationError(
            N_("The refund cannot be larger than the order's total (%(total)s)."),
            total=f"{order.total_amount:.2f}",
        )
    currency = order.currency if order is not None else _expected_currency(issue)
    return {"amount": f"{amount:.2f}", "currency": currency}


def _expected_currency(issue: Issue) -> str:
    for expectation in issue.expectations or ():
        if expectation.get("currency"):
            return expectation["currency"]
    return "PLN"
