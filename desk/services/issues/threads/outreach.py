"""Writing to a buyer about an order: a new Message Center thread (`POST /messaging/messages`).

Allegro requires the order (`order.id`, mandatory since 28 Feb 2025) and that it be the
recipient's. Since March 2026 a message the seller starts must not merely repeat what Allegro
already tells the buyer (rules.py): one message gets a warning the agent may override; a bulk
message of that kind is refused outright. Sending goes through the outbox like a reply.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from desk.extensions import db
from desk.models import Order, OutboxMessage, OutboxState, SellerAccount
from desk.models.issue import ReplyFile
from desk.orm import utcnow
from desk.services import outbox
from desk.services.errors import N_, NotFoundError, ValidationError
from desk.services.issues.threads.replies import check_thread_files, check_thread_text, keep_files
from desk.services.issues.threads.rules import RuleFinding, check_text
from desk.services.issues.threads.writes import HANDLERS, START, normalize_text
from desk.services.issues.uploads import Upload
from desk.services.ports import AllegroGateway

MAX_BULK = 100  # orders in one bulk message


@dataclass(frozen=True)
class StartOutcome:
    """The outbox row of the new thread's first message, or no row and the rule findings that
    stopped it (the agent may confirm and send anyway)."""

    message: OutboxMessage | None
    findings: tuple[RuleFinding, ...] = ()


@dataclass(frozen=True)
class BulkOutcome:
    """How many buyers were written to now and how many wait in the outbox (Allegro takes one
    message a second, so the outbox job sends the rest); `refused` says why nothing was sent."""

    sent: int
    queued: int = 0
    refused: tuple[RuleFinding, ...] = ()


def _visible_order(order_id: int, account_ids: set[int] | None) -> Order:
    order = db.session.get(Order, order_id)
    if order is None or (account_ids is not None and order.account_id not in account_ids):
        raise NotFoundError(N_("Order not found."))
    if not order.buyer_login:
        raise ValidationError(N_("This order has no buyer login, so Allegro cannot deliver a message."))
    return order


def start_thread(
    gateway: AllegroGateway,
    *,
    order_id: int,
    agent_id: int | None,
    text: str,
    uploads: list[Upload],
    idempotency_key: str,
    account_ids: set[int] | None,
    acknowledged: bool,
) -> StartOutcome:
    """Write to the buyer of an order, exactly once (commits). Nothing is sent while the text looks
    like a notification Allegro sends itself and the agent has not confirmed it."""
    order = _visible_order(order_id, account_ids)
    key = outbox.write_key(START, order.account_id, order.id, idempotency_key)
    repeated = outbox.find_by_key(key)
    if repeated is not None:
        return StartOutcome(outbox.deliver(gateway, repeated.id, HANDLERS))
    body = normalize_text(text)
    files = check_thread_files(uploads)
    check_thread_text(body, files)
    findings = check_text(body)
    if findings and not acknowledged:
        return StartOutcome(None, findings)
    message = _enqueue(order, body, files, agent_id, key)
    return StartOutcome(outbox.deliver(gateway, message.id, HANDLERS), findings)


def start_threads_bulk(
    gateway: AllegroGateway,
    *,
    order_ids: list[int],
    agent_id: int | None,
    text: str,
    idempotency_key: str,
    account_ids: set[int] | None,
) -> BulkOutcome:
    """Write the same text to the buyers of several orders (one thread each). Refused outright when
    the text repeats a notification Allegro sends itself. Commits; sends are paced by the outbox."""
    body = normalize_text(text)
    check_thread_text(body, [])
    findings = check_text(body)
    if findings:
        return BulkOutcome(0, refused=findings)
    ids = sorted(set(order_ids))
    if not ids:
        raise ValidationError(N_("Select the orders whose buyers should get the message."))
    if len(ids) > MAX_BULK:
        raise ValidationError(N_("At most %(max)d orders at once."), max=MAX_BULK)
    orders = [_visible_order(order_id, account_ids) for order_id in ids]  # all visible, or none sent
    messages = []
    for order in orders:
        key = outbox.write_key(START, order.account_id, order.id, idempotency_key)
        messages.append(outbox.find_by_key(key) or _enqueue(order, body, [], agent_id, key))
    # the first goes now (Allegro's answer shows at once); the request never waits on the pacing
    first = outbox.deliver(gateway, messages[0].id, HANDLERS)
    sent = sum(1 for m in messages[1:] if m.state is OutboxState.SENT) + (first.state is OutboxState.SENT)
    return BulkOutcome(sent, queued=sum(1 for m in messages if m.state is OutboxState.PENDING))


@dataclass(frozen=True)
class FailedStart:
    """A message to a buyer Allegro refused: the agent's text, its kept files and the reason."""

    message: OutboxMessage
    file_names: tuple[str, ...]


def failed_starts(order_id: int, account_ids: set[int] | None) -> list[FailedStart]:
    """Refused messages to this order's buyer not yet sent again or discarded, newest first."""
    order = db.session.get(Order, order_id)
    if order is None or (account_ids is not None and order.account_id not in account_ids):
        return []
    rows = db.session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.account_id == order.account_id,
            OutboxMessage.kind == START,
            OutboxMessage.target_id == order.allegro_id,
            OutboxMessage.state == OutboxState.FAILED,
        )
        .order_by(OutboxMessage.id.desc())
        .limit(20)
    ).all()
    kept = [row for row in rows if not row.payload.get("discarded_at")]
    names = _file_names([row.id for row in kept])
    return [FailedStart(row, tuple(names.get(row.id, ()))) for row in kept]


def _file_names(outbox_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    if outbox_ids:
        query = select(ReplyFile.outbox_id, ReplyFile.file_name).where(ReplyFile.outbox_id.in_(outbox_ids))
        for outbox_id, name in db.session.execute(query.order_by(ReplyFile.id)):
            found.setdefault(outbox_id, []).append(name)
    return found


def _own_start(order_id: int, message_id: int, account_ids: set[int] | None) -> OutboxMessage:
    order = db.session.get(Order, order_id)
    row = db.session.get(OutboxMessage, message_id)
    visible = order is not None and (account_ids is None or order.account_id in account_ids)
    if not visible or row is None or row.kind != START or row.target_id != order.allegro_id:
        raise NotFoundError(N_("This write does not exist."))
    return row


def retry_start(gateway: AllegroGateway, *, order_id: int, message_id: int, account_ids: set[int] | None):
    """Send a refused message to the buyer again, with its files (same key, confirmed first). Commits."""
    row = _own_start(order_id, message_id, account_ids)
    outbox.retry(row.id)
    return outbox.deliver(gateway, row.id, HANDLERS)


def discard_start(*, order_id: int, message_id: int, account_ids: set[int] | None) -> None:
    """Forget a refused message the agent no longer wants (it stays in the outbox's history). Commits."""
    row = _own_start(order_id, message_id, account_ids)
    if row.state is OutboxState.FAILED:
        row.payload = {**row.payload, "discarded_at": utcnow().isoformat()}
        db.session.commit()


def _enqueue(order: Order, body: str, files, agent_id: int | None, key: str) -> OutboxMessage:
    account = db.session.get(SellerAccount, order.account_id)
    message = outbox.enqueue(
        account_id=order.account_id,
        kind=START,
        target_id=order.allegro_id,
        payload={
            "order_row_id": order.id,
            "order_id": order.allegro_id,
            "recipient_login": order.buyer_login,
            "text": body,
            "own_login": account.allegro_login if account else None,
            "attachments": [{"file_name": name} for name, _data, _kind in files],
        },
        idempotency_key=key,
        agent_id=agent_id,
    )
    if files:
        keep_files(message.id, None, agent_id, files)
        db.session.commit()
    return message
