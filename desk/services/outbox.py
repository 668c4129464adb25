"""Exactly-once write-backs to Allegro.

A write is first recorded as an outbox row (idempotency key, state, attempts, last error), then
sent. A send whose outcome is unknown (connection dropped after sending, 5xx on a POST) is never
repeated blindly: the handler re-reads Allegro to confirm it before any retry. Each area declares
its kinds in `<area>/writes.py` as `HANDLERS`; `outbox_kinds` gathers them all.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from desk.extensions import db
from desk.models import OutboxMessage, OutboxState
from desk.orm import utcnow
from desk.services.errors import N_, ValidationError
from desk.services.ports import AllegroGateway
from integrations.allegro import (
    AllegroClient,
    AllegroConnectionError,
    AllegroError,
    AllegroHTTPError,
    AllegroOutcomeUnknown,
    AuthExpired,
    RateLimited,
    ServerError,
)

log = logging.getLogger(__name__)
STUCK_AFTER = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Handler:
    """How one kind of write is sent, and how its effect is recognised on Allegro."""

    send: Callable[[AllegroClient, OutboxMessage], dict | None]
    confirm: Callable[[AllegroClient, OutboxMessage], dict | None]  # the result if applied, else None
    after: Callable[[AllegroClient, OutboxMessage], None] | None = None  # refresh local state
    # A 5xx may mean "applied but the answer was lost": confirm by reading before any resend.
    confirm_after_5xx: bool = True
    # Allegro's per-user rate of this kind: sends of `pace_kinds` of one account are spaced by it.
    pace: dt.timedelta | None = None
    pace_kinds: frozenset[str] = frozenset()


Handlers = Mapping[str, Handler]
KEY_MAX = 120  # OutboxMessage.idempotency_key
FORM_KEY_MAX = 64  # of a form's own key, so kind and target always fit beside it


class UnknownWriteKind(RuntimeError):
    """A queued write of a kind no area handles (a renamed kind, a module left out of outbox_kinds)."""

    def __init__(self, kinds: Iterable[str]) -> None:
        self.kinds = sorted(set(kinds))
        super().__init__(f"outbox rows of unknown kinds: {', '.join(self.kinds)}")


def write_key(kind: str, account_id: int, target: object, form_key: str | None) -> str:
    """The idempotency key of a write: the form's (or batch's) own key bound to the action, the
    seller account and the target, so a key replayed on another order, issue or rating (of this
    account or another) neither starts nor reports anything there."""
    form_key = (form_key or "").strip()
    if not form_key:
        raise ValidationError(N_("The form is damaged. Reload the page and try again."))
    return f"{kind}:{account_id}:{target}:{form_key[:FORM_KEY_MAX]}"[:KEY_MAX]


def find_by_key(key: str) -> OutboxMessage | None:
    """The write already recorded under this idempotency key, if any."""
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == key))


def unknown_kinds(handlers: Handlers) -> list[str]:
    """Kinds of rows still to be sent or confirmed that none of `handlers` knows."""
    queued = (OutboxState.PENDING, OutboxState.SENDING, OutboxState.UNKNOWN)
    kinds = db.session.scalars(
        select(OutboxMessage.kind).where(OutboxMessage.state.in_(queued)).distinct()
    )
    return sorted(kind for kind in kinds if kind not in handlers)


def enqueue(
    *, account_id: int, kind: str, target_id: str, payload: dict, idempotency_key: str, agent_id: int | None
) -> OutboxMessage:
    """Record a write (commits). The same idempotency key returns the existing row: a double
    click or a replayed form never creates a second write."""
    if len(idempotency_key) > KEY_MAX:
        raise ValueError(f"idempotency key longer than {KEY_MAX}: build it with write_key()")
    existing = find_by_key(idempotency_key)
    if existing is not None:
        return existing
    message = OutboxMessage(
        account_id=account_id,
        kind=kind,
        target_id=target_id,
        payload=payload,
        idempotency_key=idempotency_key,
        created_by=agent_id,
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    try:
        db.session.commit()
    except IntegrityError:  # the same key was recorded concurrently
        db.session.rollback()
        existing = find_by_key(idempotency_key)
        if existing is None:
            raise
        return existing
    return message


def deliver(gateway: AllegroGateway, message_id: int, handlers: Handlers) -> OutboxMessage:
    """Send one outbox message if it is due and nobody else is sending it, with the handler of its
    kind from `handlers` (an area passes its own; the scheduler passes outbox_kinds.HANDLERS).
    Raises UnknownWriteKind, before touching the row, when its kind is not among them. Commits."""
    kind = db.session.scalar(select(OutboxMessage.kind).where(OutboxMessage.id == message_id))
    if kind is None:
        raise LookupError(message_id)
    if kind not in handlers:
        raise UnknownWriteKind([kind])
    handler = handlers[kind]
    previous = _claim(message_id)
    message = db.session.get(OutboxMessage, message_id)
    if previous is None:
        return message
    client = gateway.client_for(message.account_id)
    try:
        if previous is OutboxState.UNKNOWN or message.attempts > 1:
            result = handler.confirm(client, message)
            if result is not None:
                return _sent(client, handler, message, result)
        if handler.pace is not None:
            wait_for_pace(message, handler)
        result = handler.send(client, message)
    except AllegroOutcomeUnknown as exc:
        return _unknown(message, exc)
    except ServerError as exc:
        if handler.confirm_after_5xx:
            return _unknown(message, exc)
        return _retry_later(message, exc)
    except (AllegroConnectionError, RateLimited) as exc:
        return _retry_later(message, exc)
    except AuthExpired as exc:
        return _failed(message, exc, code="auth_expired")
    except AllegroHTTPError as exc:
        return _failed(message, exc, code=_code(exc))
    except AllegroError as exc:
        return _retry_later(message, exc)
    return _sent(client, handler, message, result or {})


def wait_for_pace(
    message: OutboxMessage, handler: Handler, *, sleep: Callable[[float], None] = time.sleep
) -> float:
    """Wait until `handler.pace` has passed since this account's last send of a paced kind (the
    moment another row was claimed or sent); returns the seconds waited. Two processes may still
    meet: Allegro then answers 429 and the write waits for its Retry-After, never sent twice."""
    kinds = handler.pace_kinds or frozenset({message.kind})
    last = db.session.scalar(
        select(func.max(func.coalesce(OutboxMessage.sent_at, OutboxMessage.next_attempt_at))).where(
            OutboxMessage.account_id == message.account_id,
            OutboxMessage.kind.in_(sorted(kinds)),
            OutboxMessage.id != message.id,
            OutboxMessage.state.in_((OutboxState.SENT, OutboxState.SENDING)),
        )
    )
    if last is None:
        return 0.0
    if last.tzinfo is None:  # SQLite drops the zone of a computed value
        last = last.replace(tzinfo=dt.UTC)
    wait = (last + handler.pace - utcnow()).total_seconds()
    if wait <= 0:
        return 0.0
    wait = min(wait, handler.pace.total_seconds())
    sleep(wait)
    return wait


def _claim(message_id: int) -> OutboxState | None:
    """Atomically move a due PENDING/UNKNOWN message to SENDING; returns its previous state."""
    now = utcnow()
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise LookupError(message_id)
    previous = message.state
    if previous not in (OutboxState.PENDING, OutboxState.UNKNOWN):
        return None
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.state == previous,
            OutboxMessage.attempts == message.attempts,
        )
        .values(state=OutboxState.SENDING, attempts=OutboxMessage.attempts + 1, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if claimed.rowcount != 1:
        return None
    db.session.refresh(message)
    return previous


def _sent(client: AllegroClient, handler: Handler, message: OutboxMessage, result: dict) -> OutboxMessage:
    message.state = OutboxState.SENT
    message.sent_at = utcnow()
    message.result = result
    message.last_error = None
    message.last_error_code = None
    db.session.commit()
    if handler.after is not None:
        try:
            handler.after(client, message)
            db.session.commit()
        except AllegroError as exc:  # the write is done; a stale local copy heals on the next sync
            db.session.rollback()
            log.info("refresh after outbox %s failed: %s", message.id, exc)
    return message


def _unknown(message: OutboxMessage, exc: Exception) -> OutboxMessage:
    message.state = OutboxState.UNKNOWN
    return _remember(message, exc, code="outcome_unknown", delay=_backoff(message.attempts))


def _retry_later(message: OutboxMessage, exc: Exception) -> OutboxMessage:
    if message.attempts >= MAX_ATTEMPTS:
        return _failed(message, exc, code="gave_up")
    message.state = OutboxState.PENDING
    delay = _backoff(message.attempts)
    if isinstance(exc, RateLimited) and exc.retry_after:
        delay = max(delay, dt.timedelta(seconds=exc.retry_after))
    return _remember(message, exc, code=_code(exc), delay=delay)


def _failed(message: OutboxMessage, exc: Exception, *, code: str) -> OutboxMessage:
    message.state = OutboxState.FAILED
    return _remember(message, exc, code=code, delay=None)


def _remember(
    message: OutboxMessage, exc: Exception, *, code: str, delay: dt.timedelta | None
) -> OutboxMessage:
    message.last_error = _describe(exc)
    message.last_error_code = code
    message.next_attempt_at = utcnow() + delay if delay else None
    db.session.commit()
    log.info("outbox %s (%s) -> %s: %s", message.id, message.kind, message.state, code)
    return message


def _describe(exc: Exception) -> str:
    user_message = getattr(exc, "user_message", None)
    return (user_message or str(exc) or type(exc).__name__)[:2000]


def _code(exc: Exception) -> str:
    if isinstance(exc, AllegroHTTPError):
        first = exc.errors[0].code if exc.errors else None
        return (first or f"http_{exc.status}")[:64]
    return type(exc).__name__[:64]


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(15 * 2 ** max(attempts - 1, 0), 1800))


def retry(message_id: int) -> OutboxMessage:
    """An agent asks to try a failed write again (same idempotency key). Commits."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise LookupError(message_id)
    if message.state is OutboxState.FAILED:
        # A failed write was refused by Allegro, so nothing was applied: resend is safe,
        # but confirm first anyway (attempts > 1 makes deliver() re-read before sending).
        message.state = OutboxState.PENDING
        message.next_attempt_at = utcnow()
        db.session.commit()
    return message


def recover_stuck(now: dt.datetime | None = None) -> int:
    """Messages left SENDING by a crashed process become UNKNOWN (to be confirmed). Commits."""
    now = now or utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.state == OutboxState.SENDING, OutboxMessage.next_attempt_at < now - STUCK_AFTER)
        .values(state=OutboxState.UNKNOWN)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount


def deliver_due(gateway: AllegroGateway, handlers: Handlers, *, limit: int = 100) -> dict[str, int]:
    """Send every due message (the scheduler's job). Returns counts by resulting state; a due row
    of a kind `handlers` does not know raises UnknownWriteKind (nothing is skipped quietly)."""
    recover_stuck()
    now = utcnow()
    ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.state.in_((OutboxState.PENDING, OutboxState.UNKNOWN)),
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    counts: dict[str, int] = {}
    for message_id in ids:
        state = deliver(gateway, message_id, handlers).state
        counts[state.value] = counts.get(state.value, 0) + 1
    return counts
