"""Courier pickups: windows on Polish working days within the carrier's hours, and a courier called once.

The pickup row is the outbox of the call, as in dispatch.py: it is written under the form's key and
committed before the carrier is asked, and marked CHECKING while the request is in flight. A lost answer
leaves it CHECKING, and before anything is called again for its shipments (the same form, or a new one)
the carrier is asked what became of it (lost_calls.py): a call it has is ORDERED, one it certainly never
got may be sent, and one it cannot tell about blocks its shipments until an agent settles it. So a
seller never gets two couriers. What the desk shows is the window the carrier confirmed (the one asked
for until it does).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from desk.extensions import db
from desk.models.account import SellerAccount
from desk.models.pickup import Pickup, PickupStatus
from desk.models.shipment import Shipment
from desk.orm import utcnow
from desk.services.errors import N_, DeskError, NotFoundError
from desk.services.shared.workdays import is_working_day, next_working_day
from desk.services.shipping.closeout import lost_calls
from desk.services.shipping.closeout.day import WARSAW, today
from desk.services.shipping.closeout.labels import LABELLED
from desk.services.shipping.dispatch import PortFor
from integrations.carriers import (
    Address,
    CarrierError,
    CarrierPort,
    CarrierRateLimited,
    CarrierUnavailable,
    CarrierValidationError,
    OutcomeUnknown,
    PickupRequest,
    PickupWindow,
)

SENDER_FIELDS = ("name", "street", "city", "postcode", "phone", "email")
LAST_CALL = dt.time(15)  # assumed: after this a same-day courier is rarely still to be had
TAKEN = (PickupStatus.ORDERED, PickupStatus.CHECKING)  # a shipment in such a call is not called for again
SENDABLE = (PickupStatus.ORDERING, PickupStatus.FAILED)  # a call in these states may be sent (again)


class PickupFormError(DeskError):
    """The pickup form cannot be accepted; `field` names where the message belongs."""

    def __init__(self, field: str, message: str, **params) -> None:
        super().__init__(message, **params)
        self.field = field


@dataclass(frozen=True)
class PickupOrder:
    """What the pickup form sends: the chosen window (as proposed) and the shipments, under its key."""

    account_id: int
    carrier: str
    day: dt.date
    window: PickupWindow
    shipment_ids: tuple[int, ...]
    idempotency_key: str


def first_pickup_day(now: dt.datetime | None = None) -> dt.date:
    """The day a pickup form starts on: today when there is still time (before LAST_CALL, Polish time)
    and it is a working day, else the next working day."""
    moment = (now or utcnow()).astimezone(WARSAW)
    day = moment.date() if moment.time() < LAST_CALL else moment.date() + dt.timedelta(days=1)
    return next_working_day(day)


def sender_address(account: SellerAccount) -> Address:
    """Where the courier comes: the account's sender fields (PickupFormError when incomplete)."""
    values = {name: (getattr(account, f"sender_{name}") or "").strip() for name in SENDER_FIELDS}
    if not all(values[name] for name in ("name", "street", "city", "postcode")):
        raise PickupFormError(
            "sender", N_("Fill in the sender address on the account page before calling a courier.")
        )
    return Address(**values)


def save_sender(account_id: int, values: dict[str, str]) -> SellerAccount:
    """Store the account's sender address; PickupFormError names the first wrong field."""
    account = db.session.get(SellerAccount, account_id)
    if account is None:
        raise NotFoundError(N_("Account not found."))
    cleaned = {name: (values.get(name) or "").strip() for name in SENDER_FIELDS}
    limits = {name: SellerAccount.__table__.c[f"sender_{name}"].type.length for name in SENDER_FIELDS}
    for name in ("name", "street", "city", "postcode"):
        if not cleaned[name]:
            raise PickupFormError(name, N_("This field is required."))
    for name, value in cleaned.items():
        if len(value) > limits[name]:
            raise PickupFormError(name, N_("At most %(max)s characters."), max=limits[name])
    postcode = cleaned["postcode"]
    if not (len(postcode) == 6 and postcode[2] == "-" and (postcode[:2] + postcode[3:]).isdigit()):
        raise PickupFormError("postcode", N_("A Polish postcode looks like 00-950."))
    if cleaned["email"] and "@" not in cleaned["email"]:
        raise PickupFormError("email", N_("This is not an e-mail address."))
    for name, value in cleaned.items():
        setattr(account, f"sender_{name}", value)
    db.session.commit()
    return account


def check_day(day: dt.date) -> None:
    """A pickup day is a working day from today on (PickupFormError on the day field)."""
    if day < today():
        raise PickupFormError("day", N_("This day has passed."))
    if not is_working_day(day):
        raise PickupFormError("day", N_("Couriers come on working days only (not on weekends and holidays)."))


def windows(
    port_for: PortFor, account_id: int, carrier: str, day: dt.date, shipment_ids: Sequence[int]
) -> tuple[PickupWindow, ...]:
    """The windows the carrier proposes on `day` for the shipments, within its pickup hours."""
    check_day(day)
    address = sender_address(_account(account_id))
    shipments = pickable(account_id, carrier, shipment_ids)
    port = port_for(carrier, account_id)
    return _offered(port, address, day, shipments)


def pickable(
    account_id: int, carrier: str, shipment_ids: Sequence[int], *, own_key: str | None = None
) -> list[Shipment]:
    """The account's labelled shipments of the carrier with these ids (PickupFormError on the shipments
    field when one is not, or is in a courier call already)."""
    wanted = list(dict.fromkeys(shipment_ids))
    if not wanted:
        raise PickupFormError("shipments", N_("Choose at least one shipment."))
    found = list(
        db.session.scalars(
            select(Shipment).where(
                Shipment.id.in_(wanted),
                Shipment.account_id == account_id,
                Shipment.carrier == carrier,
                Shipment.status.in_(LABELLED),
                Shipment.carrier_shipment_id.is_not(None),
            )
        )
    )
    if len(found) != len(wanted):
        raise PickupFormError("shipments", N_("Only confirmed shipments of this carrier can be collected."))
    taken = called_for(account_id, carrier, except_key=own_key)
    if any(shipment.id in taken for shipment in found):
        raise PickupFormError(
            "shipments", N_("A courier has already been called for some of these shipments.")
        )
    return sorted(found, key=lambda shipment: shipment.id)


def called_for(account_id: int, carrier: str, *, except_key: str | None = None) -> set[int]:
    """Shipments already in a courier call of the account and carrier (ordered, or not known yet);
    `except_key` leaves out the call of that form (a form sent again never blocks itself: its twin
    request that took the call a moment ago is found by the compare-and-set when it is recorded)."""
    query = select(Pickup.shipment_ids).where(
        Pickup.account_id == account_id, Pickup.carrier == carrier, Pickup.status.in_(TAKEN)
    )
    if except_key is not None:
        query = query.where(Pickup.idempotency_key != except_key)
    rows = db.session.scalars(query)
    return {int(shipment_id) for row in rows for shipment_id in row or []}


def by_key(key: str) -> Pickup | None:
    """The pickup recorded under the form's key, if any."""
    return db.session.scalar(select(Pickup).where(Pickup.idempotency_key == key))


def order_pickup(
    port_for: PortFor, order: PickupOrder, *, agent_id: int | None = None, now: dt.datetime | None = None
) -> Pickup:
    """Check the window against what the carrier offers, record the call, then send it once.

    The same form again returns the same pickup: an ordered call is never sent again, and one whose
    answer was lost is first read back from the carrier (sent again only when the carrier certainly
    never got it); one the carrier refused or never received is sent again with the form's new choices.
    A lost call holding any of the shipments is read back before a new call for them.
    """
    existing = by_key(order.idempotency_key)
    if existing is not None and existing.account_id != order.account_id:
        return existing
    if existing is not None:
        existing = lost_calls.recheck(port_for, existing, now=now)
        if existing.status in TAKEN:
            return existing
    check_day(order.day)
    address = sender_address(_account(order.account_id))
    port = port_for(order.carrier, order.account_id)
    lost_calls.recheck_holding(port_for, order.account_id, order.carrier, order.shipment_ids, now=now)
    shipments = pickable(order.account_id, order.carrier, order.shipment_ids, own_key=order.idempotency_key)
    window = _chosen(_offered(port, address, order.day, shipments), order.window)
    pickup = _record(existing, order, window, address, shipments, agent_id)
    if pickup.status in TAKEN:  # recorded by a twin request a moment ago
        return pickup
    _send(port, pickup, lost_calls.request_of(pickup))
    return pickup


def _account(account_id: int) -> SellerAccount:
    account = db.session.get(SellerAccount, account_id)
    if account is None:
        raise NotFoundError(N_("Account not found."))
    return account


def _offered(
    port: CarrierPort, address: Address, day: dt.date, shipments: Sequence[Shipment]
) -> tuple[PickupWindow, ...]:
    caps = port.capabilities()
    if not caps.pickups:
        raise PickupFormError("carrier", N_("This carrier does not collect parcels: take them to a point."))
    opens, closes = caps.pickup_hours
    try:
        proposed = port.pickup_windows(
            address, day, tuple(s.carrier_shipment_id for s in shipments if s.carrier_shipment_id)
        )
    except CarrierError as exc:
        raise PickupFormError(
            "day", N_("The carrier could not propose pickup times: %(reason)s"), reason=str(exc)
        ) from exc
    inside = []
    for window in proposed:
        start, end = window.start.astimezone(WARSAW), window.end.astimezone(WARSAW)
        if start.date() == day and end.date() == day and opens <= start.time() and end.time() <= closes:
            inside.append(window)
    return tuple(inside)


def _chosen(offered: tuple[PickupWindow, ...], asked: PickupWindow) -> PickupWindow:
    for window in offered:
        same_time = window.start == asked.start and window.end == asked.end
        if same_time and (not asked.proposal_id or asked.proposal_id == window.proposal_id):
            return window
    if not offered:
        raise PickupFormError("day", N_("The carrier proposes no pickup time on this day."))
    raise PickupFormError(
        "window", N_("This time is not offered (any more); choose one of the proposed times.")
    )


def _record(
    existing: Pickup | None,
    order: PickupOrder,
    window: PickupWindow,
    address: Address,
    shipments: Sequence[Shipment],
    agent_id: int | None,
) -> Pickup:
    values = {
        "status": PickupStatus.ORDERING,
        "day": order.day,
        "asked_start": window.start,
        "asked_end": window.end,
        "proposal_id": window.proposal_id,
        "shipment_ids": [s.id for s in shipments],
        "address": dataclasses.asdict(address),
    }
    if existing is not None:  # changed only while nobody sends it (a twin request may be doing so)
        db.session.execute(
            update(Pickup)
            .where(Pickup.id == existing.id, Pickup.status.in_(SENDABLE))
            .values(**values, created_by=existing.created_by or agent_id)
        )
        db.session.commit()
        db.session.refresh(existing)
        return existing
    pickup = Pickup(
        account_id=order.account_id,
        carrier=order.carrier,
        idempotency_key=order.idempotency_key,
        created_by=agent_id,
        **values,
    )
    db.session.add(pickup)
    try:
        db.session.commit()
    except IntegrityError:  # the same form twice at once: the other request recorded it
        db.session.rollback()
        found = by_key(order.idempotency_key)
        if found is None:
            raise
        return found
    return pickup


def _send(port: CarrierPort, pickup: Pickup, request: PickupRequest) -> None:
    """One call: CHECKING is committed before it leaves, so a lost answer is never followed by a second;
    taken with a compare-and-set, so of two requests sending the same call only one sends it."""
    taken = db.session.execute(
        update(Pickup)
        .where(Pickup.id == pickup.id, Pickup.status == PickupStatus.ORDERING)
        .values(status=PickupStatus.CHECKING, attempts=Pickup.attempts + 1, last_error=None, sent_at=utcnow())
    )
    db.session.commit()
    db.session.refresh(pickup)
    if taken.rowcount != 1:
        return  # a twin request is sending this very call
    try:
        result = port.order_pickup(request)
    except (CarrierUnavailable, CarrierRateLimited) as exc:  # certainly not received: safe to send again
        pickup.status = PickupStatus.ORDERING
        pickup.last_error = str(exc)
    except OutcomeUnknown as exc:
        pickup.last_error = str(exc)  # stays CHECKING: read back from the carrier before calling again
    except CarrierValidationError as exc:
        pickup.status = PickupStatus.FAILED
        pickup.last_error = "; ".join(f"{p.field}: {p.message}" for p in exc.problems) or str(exc)
    except CarrierError as exc:
        pickup.status = PickupStatus.FAILED
        pickup.last_error = str(exc)
    else:
        lost_calls.ordered(pickup, result)
    db.session.commit()


def window_value(window: PickupWindow) -> str:
    """A proposed window as the form carries it: start|end|proposal id."""
    return f"{window.start.isoformat()}|{window.end.isoformat()}|{window.proposal_id}"


def parse_window(value: str) -> PickupWindow | None:
    """The window the form sent back, or None when it is not one (times must carry their zone)."""
    start_text, _, rest = (value or "").partition("|")
    end_text, _, proposal_id = rest.partition("|")
    try:
        start, end = dt.datetime.fromisoformat(start_text), dt.datetime.fromisoformat(end_text)
    except ValueError:
        return None
    if start.tzinfo is None or end.tzinfo is None or end <= start:
        return None
    return PickupWindow(start=start, end=end, proposal_id=proposal_id[:64])
