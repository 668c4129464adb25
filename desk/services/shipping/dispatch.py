"""Ordering a shipment from a carrier exactly once.

The shipment row is the outbox of its create: it is written (with the idempotency key the carrier will
know it by) and committed before anything is sent, and marked CHECKING while the request is in flight.
Whatever happens next, the row says what is safe:
- the carrier answered: PENDING or CONFIRMED (or FAILED with its reasons);
- the request certainly did not arrive (connection refused, rate limit): ORDERING, sent again later;
- the answer was lost (timeout, reset, 5xx after sending, or this process died mid-send): CHECKING,
  and the next look asks the carrier for the key (`find_shipment`) before anything is sent again.
`deliver_due` is the job that moves every live shipment on; each row is claimed with a compare-and-set
on `next_check_at`, so two workers never act on the same shipment at once.

Money: the row is committed together with its SHIPMENT_CHARGE, the gross of the quote it was ordered at
(`billing.charge_shipment`, keyed by the shipment), so a shipment exists only once it is paid for; an
account whose balance (or credit, on invoice) falls short gets NotPaid and nothing is recorded. A shipment
without a quote is refused the same way rather than sent free: the price the agent was shown is the
price charged, and nothing here makes one up. A shipment that ends FAILED or CANCELLED gets back what it
was charged, in the commit that records its end (`billing.refund_shipment`, keyed, so never twice).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from desk.extensions import db
from desk.models.shipment import LIVE, Shipment, ShipmentStatus
from desk.orm import utcnow
from desk.services import billing
from desk.services.billing.cod import records as cod_records
from desk.services.errors import N_, DeskError
from desk.services.shipping import claims, codec
from integrations.carriers import (
    CarrierError,
    CarrierPort,
    CarrierRateLimited,
    CarrierRefused,
    CarrierShipment,
    CarrierUnavailable,
    CarrierValidationError,
    FieldProblem,
    NotCancellable,
    OutcomeUnknown,
    ShipmentRequest,
    ShipmentState,
)

PortFor = Callable[[str, int], CarrierPort]  # (carrier, seller account id) -> its port
CHECK_SOON = dt.timedelta(seconds=20)  # an unknown outcome or a pending order is looked at again this soon
CLAIM = dt.timedelta(minutes=2)  # how long a worker holds a shipment it is acting on
MAX_ATTEMPTS = 8
_STATES = {
    ShipmentState.PENDING: ShipmentStatus.PENDING,
    ShipmentState.CONFIRMED: ShipmentStatus.CONFIRMED,
    ShipmentState.SENT: ShipmentStatus.SENT,
    ShipmentState.CANCELLED: ShipmentStatus.CANCELLED,
    ShipmentState.FAILED: ShipmentStatus.FAILED,
}


class ShipmentRefused(DeskError):
    """The carrier (or its checks before sending) refused the data; `problems` name the fields."""

    def __init__(
        self, problems: tuple[FieldProblem, ...], message: str = N_("The carrier refused the data.")
    ):
        super().__init__(message)
        self.problems = problems


class NotPaid(ShipmentRefused):
    """The account cannot pay for the shipment (its balance, or its credit on invoice, falls short; or the
    shipment has no price): nothing was recorded or sent. The one problem names the `payment` field; its
    params are the amounts (needed, available, missing) as plain decimal strings."""


def _not_paid(code: str, message: str, **params: object) -> NotPaid:
    problem = FieldProblem("payment", code, message, {k: str(v) for k, v in params.items()})
    return NotPaid((problem,), N_("The account cannot pay for this shipment."))


class CannotCancel(DeskError):
    """The shipment can no longer be cancelled; the message says why."""


@dataclass(frozen=True)
class ShipmentOrder:
    """What an agent orders: the request (its idempotency key made by the form) and its quote."""

    account_id: int
    carrier: str
    request: ShipmentRequest
    order_id: int | None = None
    quote: dict | None = None
    price_gross: Decimal | None = None
    cod_tier: int | None = None  # COD payout in 1, 5 or 10 working days; None: the account's default


def validate(port_for: PortFor, order: ShipmentOrder) -> None:
    """The carrier's checks before sending; ShipmentRefused names every wrong field. Sends nothing."""
    block = billing.ordering_block(order.account_id)  # an invoice overdue too long: no new shipments
    if block is not None:
        problem = FieldProblem("service", "account_blocked", block.message % block.params, block.params)
        raise ShipmentRefused((problem,), block.message)
    try:
        port_for(order.carrier, order.account_id).validate(order.request)
    except CarrierValidationError as exc:
        raise ShipmentRefused(exc.problems) from exc


def order_shipment(port_for: PortFor, order: ShipmentOrder, *, agent_id: int | None = None) -> Shipment:
    """Check, record, then send the shipment order once; the same key again returns the same shipment.

    Raises ShipmentRefused (nothing recorded) when the data breaks the carrier's rules, and NotPaid (one of
    them) when the account cannot pay the quoted price or there is no quote.
    """
    existing = by_key(order.request.idempotency_key)
    if existing is not None:
        return existing
    price_of(order)
    validate(port_for, order)
    port = port_for(order.carrier, order.account_id)
    shipment = _record(order, agent_id)
    if shipment.status is ShipmentStatus.ORDERING:
        _send(port, shipment)
    return shipment


def by_key(key: str) -> Shipment | None:
    """The shipment recorded under this idempotency key, if any."""
    return db.session.scalar(select(Shipment).where(Shipment.idempotency_key == key))


def price_of(order: ShipmentOrder) -> Decimal:
    """The gross the shipment is charged: its quote's (NotPaid when there is none)."""
    gross = (order.quote or {}).get("gross")
    if gross is None:
        raise _not_paid("not_priced", "the shipment has no price from the price list")
    return Decimal(gross)


def _record(order: ShipmentOrder, agent_id: int | None) -> Shipment:
    """Write the shipment row and its charge in one commit (the row alone never lands)."""
    request = order.request
    price = price_of(order)
    cod = None
    if request.cod is not None:  # its COD record is committed with it (read the default tier first)
        cod = cod_records.for_shipment(
            order.account_id, order.carrier, request.cod.amount,
            sink=request.cod.sink.value, iban=request.cod.iban, tier=order.cod_tier,
        )
    shipment = Shipment(
        account_id=order.account_id,
        order_id=order.order_id,
        carrier=order.carrier,
        service=request.service,
        idempotency_key=request.idempotency_key,
        request=codec.encode(request),
        quote=order.quote,
        price_gross=price,
        cod_amount=request.cod.amount if request.cod else None,
        reference=request.reference,
        created_by=agent_id,
        status=ShipmentStatus.ORDERING,
    )
    db.session.add(shipment)
    if cod is not None:
        cod.shipment = shipment
        db.session.add(cod)
    try:
        db.session.flush()
        _charge(shipment, price, agent_id)
        db.session.commit()
    except IntegrityError:  # the same form sent twice at once: the other request recorded it
        db.session.rollback()
        found = by_key(request.idempotency_key)
        if found is None:
            raise
        return found
    return shipment


def _charge(shipment: Shipment, price: Decimal, agent_id: int | None) -> None:
    try:
        billing.charge_shipment(
            account_id=shipment.account_id, shipment_id=shipment.id, gross=price, actor_id=agent_id,
            reference=shipment.reference,
        )
    except billing.Shortfall as short:
        db.session.rollback()
        code = "credit_shortfall" if short.credit else "shortfall"
        raise _not_paid(
            code, str(short), needed=short.needed, available=short.available, missing=short.missing
        ) from short


def settle(shipment: Shipment) -> None:
    """Refund a shipment that ended without being carried (FAILED, CANCELLED); no commit. Keyed: a
    shipment is refunded once, however often its end is reported."""
    if shipment.status is ShipmentStatus.FAILED:
        reason = billing.charges.REFUSED
    elif shipment.status is ShipmentStatus.CANCELLED:
        reason = billing.charges.CANCELLED
    else:
        return
    billing.refund_shipment(account_id=shipment.account_id, shipment_id=shipment.id, reason=reason)


def _send(port: CarrierPort, shipment: Shipment) -> None:
    """One attempt: CHECKING is committed before the request leaves, so a crash leaves a row to read back."""
    now = utcnow()
    shipment.status = ShipmentStatus.CHECKING
    shipment.attempts += 1
    shipment.sent_at = shipment.sent_at or now
    shipment.next_check_at = now + CHECK_SOON
    db.session.commit()
    try:
        result = port.create_shipment(codec.decode(shipment.request))
    except (CarrierUnavailable, CarrierRateLimited) as exc:  # certainly not applied
        _retry_later(shipment, exc, ShipmentStatus.ORDERING)
    except OutcomeUnknown as exc:
        _retry_later(shipment, exc, ShipmentStatus.CHECKING)
    except CarrierValidationError as exc:
        _fail(shipment, exc, exc.problems)
    except CarrierError as exc:  # refused, auth, unreadable: the agent has to act
        _fail(shipment, exc, ())
    else:
        apply(shipment, result)
    settle(shipment)
    db.session.commit()


def apply(shipment: Shipment, found: CarrierShipment) -> None:
    """Take what the carrier says of the shipment into the row (no commit)."""
    now = utcnow()
    status = _STATES[found.state]
    shipment.status = status
    shipment.carrier_shipment_id = found.shipment_id or shipment.carrier_shipment_id
    if found.waybills:
        shipment.waybills = list(found.waybills)
    if status in (ShipmentStatus.CONFIRMED, ShipmentStatus.SENT) and shipment.confirmed_at is None:
        shipment.confirmed_at = now
        if shipment.waybills and shipment.tracking_next_at is None:
            shipment.tracking_next_at = now  # tracking follows it from now on
    if status is ShipmentStatus.CANCELLED and shipment.cancelled_at is None:
        shipment.cancelled_at = now
    if status is ShipmentStatus.FAILED:
        shipment.last_error = "; ".join(found.errors) or found.raw_status
    shipment.next_check_at = now + CHECK_SOON if status in LIVE else None


def _retry_later(shipment: Shipment, exc: CarrierError, status: ShipmentStatus) -> None:
    shipment.status = status
    shipment.last_error = str(exc)
    wait = getattr(exc, "retry_after", None) or CHECK_SOON.total_seconds() * 2 ** min(shipment.attempts, 6)
    shipment.next_check_at = utcnow() + dt.timedelta(seconds=wait)
    if status is ShipmentStatus.ORDERING and shipment.attempts >= MAX_ATTEMPTS:
        _fail(shipment, exc, ())


def _fail(shipment: Shipment, exc: CarrierError, problems: tuple[FieldProblem, ...]) -> None:
    shipment.status = ShipmentStatus.FAILED
    shipment.last_error = str(exc)
    shipment.problems = [
        {"field": p.field, "code": p.code, "message": p.message, "params": p.params} for p in problems
    ] or None
    shipment.next_check_at = None


def check(port_for: PortFor, shipment: Shipment) -> None:
    """Move one live shipment on: read back an unknown outcome (and send again only if the carrier has
    nothing under the key), resend one that never arrived, poll one the carrier is processing."""
    port = port_for(shipment.carrier, shipment.account_id)
    try:
        if shipment.status is ShipmentStatus.CHECKING:
            found = port.find_shipment(shipment.idempotency_key)
            if found is None:
                _send(port, shipment)
                return
            apply(shipment, found)
        elif shipment.status is ShipmentStatus.ORDERING:
            _send(port, shipment)
            return
        elif shipment.status is ShipmentStatus.PENDING and shipment.carrier_shipment_id:
            apply(shipment, port.get_shipment(shipment.carrier_shipment_id))
    except CarrierError as exc:  # the carrier cannot answer now: the same question later
        shipment.last_error = str(exc)
        shipment.next_check_at = utcnow() + CHECK_SOON * 3
    settle(shipment)
    db.session.commit()


def claim_due(now: dt.datetime, *, limit: int = 100) -> list[Shipment]:
    """Live shipments whose time has come, each claimed for this worker (compare-and-set)."""
    return claims.claim(
        Shipment, Shipment.next_check_at, Shipment.status.in_(LIVE), now, hold=CLAIM, limit=limit
    )


def deliver_due(port_for: PortFor, *, limit: int = 100) -> dict[str, int]:
    """The job: move every due live shipment on; returns how many ended in each status."""
    outcomes: Counter[str] = Counter()
    for shipment in claim_due(utcnow(), limit=limit):
        check(port_for, shipment)
        outcomes[shipment.status.value] += 1
    return dict(outcomes)


def cancel(port_for: PortFor, shipment: Shipment, *, commit: bool = True) -> Shipment:
    """Cancel at the carrier and refund what the shipment was charged; CannotCancel says why not (handed
    over, bought, never for this carrier). The desk's cancellation rules (the cutoff, the fee) are in
    shipping.cancellation, which calls this with `commit=False` to add the fee to the same commit."""
    if shipment.status is ShipmentStatus.CANCELLED:
        return shipment
    if (
        shipment.status not in (ShipmentStatus.PENDING, ShipmentStatus.CONFIRMED)
        or not shipment.carrier_shipment_id
    ):
        raise CannotCancel(N_("Only a shipment the carrier has accepted can be cancelled."))
    port = port_for(shipment.carrier, shipment.account_id)
    try:
        found = port.cancel(shipment.carrier_shipment_id)
    except NotCancellable as exc:
        raise CannotCancel(
            N_("The carrier no longer allows cancelling this shipment: %(reason)s"), reason=str(exc)
        ) from exc
    except CarrierRefused as exc:
        raise CannotCancel(N_("The carrier refused to cancel: %(reason)s"), reason=str(exc)) from exc
    apply(shipment, found)
    if shipment.status is not ShipmentStatus.CANCELLED:  # some carriers answer with the shipment as it was
        shipment.status = ShipmentStatus.CANCELLED
        shipment.cancelled_at = utcnow()
        shipment.next_check_at = None
    settle(shipment)
    if commit:
        db.session.commit()
    return shipment
