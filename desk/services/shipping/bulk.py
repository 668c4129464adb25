"""Nadaj zaznaczone: many orders shipped at once from the orders list.

`preview` shows, per order, what would be sent (carrier and service from the delivery method, the parcel
of a package preset, the price, cash on delivery) and every problem the carrier's own checks find, without
sending anything. `start` records a batch of the rows without problems; each item gets its own key, which
becomes its shipment's idempotency key. `run_due` is the worker's job: it claims waiting items with a
compare-and-set (two workers never take the same item) and orders each through `dispatch.order_shipment`,
which returns the recorded shipment for a key it already knows, so an item taken over after a crash is
never ordered twice. A failed item keeps its error until the agent fixes it and retries it alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from desk.extensions import db
from desk.models import Order, PackagePreset, SellerAccount, Shipment
from desk.models.shipment import (
    BatchItemStatus,
    BatchState,
    ShipmentBatch,
    ShipmentBatchItem,
    ShipmentStatus,
)
from desk.orm import utcnow
from desk.services.errors import N_, NotFoundError, ValidationError
from desk.services.shipping import claims, codec, dispatch, forms, prefill, presets
from desk.services.shipping.pricing import quotes
from integrations.carriers import (
    Address,
    CarrierError,
    CashOnDelivery,
    CodSink,
    FieldProblem,
    ParcelSpec,
    ShipmentRequest,
)

log = logging.getLogger(__name__)
MAX_ORDERS = 500  # one batch at most (the orders list pages are smaller)
CLAIM = dt.timedelta(minutes=2)  # how long a worker holds an item it is sending
RETRY_SOON = dt.timedelta(seconds=30)  # a carrier that could not be asked is asked again this much later
MAX_ATTEMPTS = 5
DONE_SHIPMENTS = (ShipmentStatus.FAILED, ShipmentStatus.CANCELLED)  # these do not stop a new shipment
TAKEN_MEANWHILE = N_(
    "Another send took some of these orders a moment ago, so nothing was queued. Check them again: "
    "the preview shows which orders already have a shipment."
)
ALREADY_SHIPPED = N_("This order already has a shipment.")
FIXABLE = (
    "receiver_name",
    "receiver_street",
    "receiver_postcode",
    "receiver_city",
    "receiver_phone",
    "receiver_email",
    "target_point",
)


def fixable_field(path: str) -> bool:
    """Whether a carrier's problem with the field `path` ("receiver.postcode") is one the batch page's
    retry form corrects."""
    return path.replace(".", "_") in FIXABLE


@dataclass(frozen=True)
class Problem:
    """Why a row cannot be sent: a catalog message with parameters, or the carrier's field problem."""

    message: str = ""
    params: Mapping[str, object] = field(default_factory=dict)
    carrier: FieldProblem | None = None


@dataclass
class Row:
    """One selected order as it would be sent."""

    order: Order
    carrier: str = ""
    service: str = ""
    preset: PackagePreset | None = None
    request: ShipmentRequest | None = None
    quote: quotes.Quote | quotes.NotPriced | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def fixable(self) -> bool:
        """Whether every problem is a carrier's problem the batch page corrects (the receiver, the
        point): such a row joins the batch as one to correct, and nothing is sent for it before."""
        return (
            bool(self.problems)
            and self.request is not None
            and all(p.carrier is not None and fixable_field(p.carrier.field) for p in self.problems)
        )

    @property
    def cod_amount(self) -> Decimal | None:
        return self.request.cod.amount if self.request and self.request.cod else None


def sender_of(account: SellerAccount) -> Address | None:
    """The account's sender form, else the sender of its newest shipment (None: nothing known)."""
    if account.sender_name and account.sender_street:
        return Address(
            name=account.sender_name,
            street=account.sender_street,
            city=account.sender_city,
            postcode=account.sender_postcode,
            phone=account.sender_phone,
            email=account.sender_email,
        )
    return forms.last_sender(account.id)


def _last_cod(account_id: int) -> CashOnDelivery | None:
    """Where the account's newest cash-on-delivery shipment had its money paid (sink and bank account)."""
    for request in db.session.scalars(
        select(Shipment.request)
        .where(Shipment.account_id == account_id, Shipment.cod_amount.is_not(None))
        .order_by(Shipment.id.desc())
        .limit(1)
    ):
        cod = codec.decode(request).cod
        if cod is not None:
            return cod
    return None


def _orders(order_ids: Iterable[int], account_ids: set[int] | None) -> list[Order]:
    ids = list(dict.fromkeys(order_ids))
    if not ids:
        raise ValidationError(N_("Select the orders to send."))
    if len(ids) > MAX_ORDERS:
        raise ValidationError(N_("At most %(max)s orders can be sent at once."), max=MAX_ORDERS)
    query = select(Order).where(Order.id.in_(ids)).order_by(Order.id)
    if account_ids is not None:
        query = query.where(Order.account_id.in_(account_ids))
    return list(db.session.scalars(query))


def _preset(preset_id: int | None, account_ids: set[int] | None) -> PackagePreset | None:
    if not preset_id:
        return None
    preset = db.session.get(PackagePreset, preset_id)
    if preset is None or (account_ids is not None and preset.account_id not in account_ids):
        raise NotFoundError(N_("Preset not found."))
    return preset


def _busy_orders(order_ids: list[int]) -> set[int]:
    """Orders that already have a shipment on its way or an item of a batch not failed."""
    shipped = select(Shipment.order_id).where(
        Shipment.order_id.in_(order_ids), Shipment.status.not_in(DONE_SHIPMENTS)
    )
    queued = select(ShipmentBatchItem.order_id).where(
        ShipmentBatchItem.order_id.in_(order_ids), ShipmentBatchItem.status != BatchItemStatus.FAILED
    )
    return set(db.session.scalars(shipped)) | set(db.session.scalars(queued))


def preview(
    order_ids: Iterable[int],
    account_ids: set[int] | None,
    port_for: dispatch.PortFor,
    sender: Address | None = None,
    preset: int | None = None,
    *,
    today: dt.date | None = None,
) -> list[Row]:
    """Every selected order the caller may see, as it would be sent, with every problem. Sends nothing.

    The parcel is the chosen preset's (else the account's first preset); the sender the one given (else
    the account's, see `sender_of`)."""
    chosen = _preset(preset, account_ids)
    orders = _orders(order_ids, account_ids)
    busy = _busy_orders([order.id for order in orders])
    today = today or utcnow().date()
    senders: dict[int, Address | None] = {}
    firsts: dict[int, PackagePreset | None] = {}
    rows = []
    for order in orders:
        if order.account_id not in senders:
            senders[order.account_id] = sender or sender_of(db.session.get(SellerAccount, order.account_id))
            found = presets.presets_of(order.account_id)
            firsts[order.account_id] = found[0] if found else None
        rows.append(
            _row(
                order,
                port_for,
                senders[order.account_id],
                chosen or firsts[order.account_id],
                today,
                busy=order.id in busy,
            )
        )
    return rows


def _row(
    order: Order,
    port_for: dispatch.PortFor,
    sender: Address | None,
    preset: PackagePreset | None,
    today: dt.date,
    *,
    busy: bool = False,
    key: str = "",
) -> Row:
    draft = prefill.draft_for(order)
    row = Row(order=order, preset=preset)
    if busy:
        row.problems.append(Problem(ALREADY_SHIPPED))
    if draft.fit is None:
        row.problems.append(
            Problem(
                N_("No carrier fits the delivery method %(method)s; send it from the order's page."),
                {"method": order.delivery_method_name or "—"},
            )
        )
    if preset is None:
        row.problems.append(Problem(N_("The account has no package preset; add one first.")))
    if sender is None:
        row.problems.append(Problem(N_("The sender is not known; fill in the account's sender address.")))
    if draft.fit is None or preset is None or sender is None:
        return row
    row.carrier, row.service = draft.fit.carrier, draft.fit.service
    cod = None
    if draft.cod_amount:
        last = _last_cod(order.account_id)
        cod = (
            CashOnDelivery(draft.cod_amount, sink=last.sink, iban=last.iban)
            if last
            else CashOnDelivery(draft.cod_amount, sink=CodSink.BANK_ACCOUNT)
        )
    row.request = ShipmentRequest(
        service=draft.fit.service,
        sender=sender,
        receiver=draft.receiver,
        parcels=(
            ParcelSpec(
                preset.length_mm, preset.width_mm, preset.height_mm, preset.weight_g, template=preset.template
            ),
        ),
        idempotency_key=key or f"preview-{order.id}",
        reference=(order.allegro_id or "")[:20],
        target_point=draft.target_point,
        cod=cod,
        insurance=draft.insurance,
        order_id=order.allegro_id or "",
    )
    _check(row, port_for, today)
    return row


def _check(row: Row, port_for: dispatch.PortFor, today: dt.date) -> None:
    """The carrier's checks and the price (sends nothing)."""
    assert row.request is not None
    try:
        dispatch.validate(port_for, _shipment_order(row.order.account_id, row.carrier, row.request))
    except dispatch.ShipmentRefused as refused:
        row.problems.extend(Problem(carrier=problem) for problem in refused.problems)
    row.quote = forms.price(row.order.account_id, row.carrier, row.request, today)
    if not row.quote.priced:
        for reason in row.quote.reasons:
            row.problems.append(Problem(reason.message, dict(reason.params)))


def _shipment_order(
    account_id: int, carrier: str, request: ShipmentRequest, **extra
) -> dispatch.ShipmentOrder:
    return dispatch.ShipmentOrder(account_id=account_id, carrier=carrier, request=request, **extra)


def _problems_json(problems: Iterable[FieldProblem]) -> list[dict] | None:
    return [
        {"field": p.field, "code": p.code, "message": p.message, "params": dict(p.params or {})}
        for p in problems
    ] or None


def start(
    order_ids: Iterable[int],
    account_ids: set[int] | None,
    port_for: dispatch.PortFor,
    sender: Address | None = None,
    preset: int | None = None,
    *,
    key: str,
    agent_id: int | None = None,
    excluded: Iterable[int] = (),
    today: dt.date | None = None,
) -> ShipmentBatch:
    """Record a batch of the rows the agent kept, each priced and checked again now: rows without
    problems wait for the worker; rows whose only problems the batch page corrects (see `Row.fixable`)
    join as failed rows keeping those problems, sent only once corrected. The same `key` again returns
    the batch already recorded. Commits."""
    key = (key or "").strip()[:64]
    if not key:
        raise ValidationError(N_("The form is damaged. Reload the page and try again."))
    existing = db.session.scalar(select(ShipmentBatch).where(ShipmentBatch.key == key))
    if existing is not None:
        return existing
    left_out = set(excluded)
    rows = [
        row
        for row in preview(order_ids, account_ids, port_for, sender, preset, today=today)
        if (row.ok or row.fixable) and row.order.id not in left_out
    ]
    if not rows:
        raise ValidationError(N_("None of the selected orders can be sent; correct the problems first."))
    batch = ShipmentBatch(key=key, created_by=agent_id, state=BatchState.QUEUED, total=len(rows))
    batch.items.extend(_item(row, utcnow()) for row in rows)
    batch.failed_count = sum(not row.ok for row in rows)
    if all(not row.ok for row in rows):
        batch.state = BatchState.DONE  # nothing for the worker until a row is corrected
    db.session.add(batch)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        found = db.session.scalar(select(ShipmentBatch).where(ShipmentBatch.key == key))
        if found is not None:  # the same confirmation posted twice at once: the other one recorded it
            return found
        # another send queued one of these orders between this one's check and its commit: the
        # database keeps one live item per order (uq_shipment_batch_item_live_order)
        raise ValidationError(TAKEN_MEANWHILE) from None
    return batch


def _item(row: Row, now: dt.datetime) -> ShipmentBatchItem:
    """A row as a batch item under a key of its own: waiting when it has no problems, else failed with
    the carrier's problems (its order was never sent)."""
    assert row.request is not None and row.quote is not None
    item_key = f"bulk-{uuid.uuid4().hex}"
    priced = row.quote.priced
    return ShipmentBatchItem(
        order_id=row.order.id,
        account_id=row.order.account_id,
        carrier=row.carrier,
        service=row.service,
        request=codec.encode(dataclasses.replace(row.request, idempotency_key=item_key)),
        quote=row.quote.to_snapshot() if priced else None,
        price_gross=row.quote.gross if priced else None,
        idempotency_key=item_key,
        status=BatchItemStatus.WAITING if row.ok else BatchItemStatus.FAILED,
        problems=None if row.ok else _problems_json(p.carrier for p in row.problems if p.carrier),
        next_try_at=now if row.ok else None,
    )


def claim_due(now: dt.datetime, *, limit: int = 50) -> list[ShipmentBatchItem]:
    """Waiting items (and items whose worker's hold ran out), each claimed for this worker."""
    return claims.claim(
        ShipmentBatchItem,
        ShipmentBatchItem.next_try_at,
        ShipmentBatchItem.status.in_((BatchItemStatus.WAITING, BatchItemStatus.SENDING)),
        now,
        hold=CLAIM,
        limit=limit,
    )


def run_due(port_for: dispatch.PortFor, *, limit: int = 50) -> dict[str, int]:
    """The job: send the claimed items, each once; returns how many ended sent and failed."""
    outcomes = {"sent": 0, "failed": 0}
    batches: set[int] = set()
    for item in claim_due(utcnow(), limit=limit):
        batches.add(item.batch_id)
        _send(port_for, item)
        if item.status in (BatchItemStatus.SENT, BatchItemStatus.FAILED):
            outcomes[item.status.value] += 1
    for batch_id in batches:
        refresh(batch_id)
    return outcomes


def _renew(item: ShipmentBatchItem) -> bool:
    """Hold the item afresh just before sending it, only if nobody took it over since this worker claimed
    it (its hold may have run out while earlier items were being sent). Commits."""
    taken = db.session.execute(
        update(ShipmentBatchItem)
        .where(ShipmentBatchItem.id == item.id, ShipmentBatchItem.next_try_at == item.next_try_at)
        .values(status=BatchItemStatus.SENDING, next_try_at=utcnow() + CLAIM)
    )
    db.session.commit()
    return taken.rowcount == 1


def _send(port_for: dispatch.PortFor, item: ShipmentBatchItem) -> None:
    if not _renew(item):
        return
    db.session.refresh(item)
    if _shipped_meanwhile(item):  # not an attempt: nothing goes to the carrier
        _failed(item, ALREADY_SHIPPED, None)
        db.session.commit()
        return
    item.attempts += 1
    batch = item.batch
    if batch.state is BatchState.QUEUED:
        batch.state = BatchState.RUNNING
    db.session.commit()
    request = codec.decode(item.request)
    order = _shipment_order(
        item.account_id,
        item.carrier,
        request,
        order_id=item.order_id,
        quote=item.quote,
        price_gross=item.price_gross,
    )
    try:
        shipment = dispatch.order_shipment(port_for, order, agent_id=batch.created_by)
    except dispatch.ShipmentRefused as refused:  # nothing recorded, nothing sent
        _failed(item, "", _problems_json(refused.problems))
    except CarrierError as exc:  # the carrier could not be asked (its checks): try again later, a few times
        db.session.rollback()
        if item.attempts >= MAX_ATTEMPTS:
            _failed(item, str(exc), None)
        else:
            item.status = BatchItemStatus.WAITING
            item.error = str(exc)
            item.next_try_at = utcnow() + RETRY_SOON * item.attempts
    except Exception as exc:  # one item's failure must not stop the batch; the agent sees it
        log.exception("bulk item %s failed", item.id)
        db.session.rollback()
        found = dispatch.by_key(item.idempotency_key)
        if found is not None and found.status is not ShipmentStatus.FAILED:  # recorded before it broke
            item.shipment_id, item.status, item.next_try_at = found.id, BatchItemStatus.SENT, None
        else:
            _failed(item, str(exc) or type(exc).__name__, None)
    else:
        item.shipment_id = shipment.id
        if shipment.status is ShipmentStatus.FAILED:
            _failed(item, shipment.last_error or "", shipment.problems)
        else:  # accepted, pending, or left to the shipments job (ordering, checking): recorded once
            item.status = BatchItemStatus.SENT
            item.error = None
            item.problems = None
            item.next_try_at = None
    db.session.commit()


def _shipped_meanwhile(item: ShipmentBatchItem) -> bool:
    """Whether the item's order got a live shipment under another key since the item was queued (from
    its page, or a batch queued while this item's earlier attempt was being sent): never a second one."""
    if item.order_id is None:
        return False
    return (
        db.session.scalar(
            select(Shipment.id)
            .where(
                Shipment.order_id == item.order_id,
                Shipment.status.not_in(DONE_SHIPMENTS),
                Shipment.idempotency_key != item.idempotency_key,
            )
            .limit(1)
        )
        is not None
    )


def _failed(item: ShipmentBatchItem, error: str, problems: list[dict] | None) -> None:
    item.status = BatchItemStatus.FAILED
    item.error = error or None
    item.problems = problems
    item.next_try_at = None


def refresh(batch_id: int) -> ShipmentBatch:
    """The batch's counts and state from its items. Commits."""
    batch = db.session.get(ShipmentBatch, batch_id)
    counts = dict(
        db.session.execute(
            select(ShipmentBatchItem.status, func.count())
            .where(ShipmentBatchItem.batch_id == batch_id)
            .group_by(ShipmentBatchItem.status)
        ).all()
    )
    batch.sent_count = counts.get(BatchItemStatus.SENT, 0)
    batch.failed_count = counts.get(BatchItemStatus.FAILED, 0)
    open_items = counts.get(BatchItemStatus.WAITING, 0) + counts.get(BatchItemStatus.SENDING, 0)
    if open_items == 0:
        batch.state = BatchState.DONE
    elif batch.state is BatchState.DONE:
        batch.state = BatchState.RUNNING
    db.session.commit()
    return batch


def batch_of(batch_id: int, account_ids: set[int] | None) -> ShipmentBatch:
    """The batch, if every item of it belongs to an account the caller may see; NotFoundError otherwise."""
    batch = db.session.get(ShipmentBatch, batch_id)
    if batch is None or (
        account_ids is not None and any(item.account_id not in account_ids for item in batch.items)
    ):
        raise NotFoundError(N_("Batch not found."))
    return batch


def item_of(item_id: int, account_ids: set[int] | None) -> ShipmentBatchItem:
    """The item, if the caller may see its account; NotFoundError otherwise."""
    item = db.session.get(ShipmentBatchItem, item_id)
    if item is None or (account_ids is not None and item.account_id not in account_ids):
        raise NotFoundError(N_("Shipment not found."))
    return item


def fixable_values(item: ShipmentBatchItem) -> dict[str, str]:
    """The fields of a failed item the agent may correct, as the request has them now."""
    request = codec.decode(item.request)
    values = {
        f"receiver_{name}": getattr(request.receiver, name)
        for name in ("name", "street", "postcode", "city", "phone", "email")
    }
    return values | {"target_point": request.target_point}


def retry_item(
    item_id: int,
    account_ids: set[int] | None,
    port_for: dispatch.PortFor,
    fixes: Mapping[str, str],
    *,
    today: dt.date | None = None,
) -> ShipmentBatchItem:
    """Queue a failed item again with the agent's corrections (receiver, pickup point), checked and priced
    again now. Its key changes only when the previous attempt certainly did not reach the carrier (no
    shipment under it, or the carrier has nothing under it); else the same key reads the carrier's
    shipment back. Raises dispatch.ShipmentRefused when the carrier's checks still fail (the item keeps
    them). Commits."""
    item = item_of(item_id, account_ids)
    if item.status is not BatchItemStatus.FAILED:
        raise ValidationError(N_("Only a failed row can be sent again."))
    if item.order_id is not None and item.order_id in _busy_orders([item.order_id]):
        raise ValidationError(ALREADY_SHIPPED)  # sent since, from elsewhere
    request = codec.decode(item.request)
    receiver = dataclasses.replace(
        request.receiver,
        **{
            name.removeprefix("receiver_"): (fixes.get(name) or "").strip()
            for name in FIXABLE
            if name.startswith("receiver_") and name in fixes
        },
    )
    point = (fixes.get("target_point") or "").strip() if "target_point" in fixes else request.target_point
    key = item.idempotency_key
    if _never_arrived(port_for, item):
        key = f"bulk-{uuid.uuid4().hex}"
    elif dispatch.by_key(key) is not None and dispatch.by_key(key).status is ShipmentStatus.FAILED:
        raise ValidationError(
            N_("The carrier keeps this shipment as refused; send the order again from its page.")
        )
    fixed = dataclasses.replace(request, receiver=receiver, target_point=point, idempotency_key=key)
    try:
        dispatch.validate(port_for, _shipment_order(item.account_id, item.carrier, fixed))
    except dispatch.ShipmentRefused:
        item.request = codec.encode(dataclasses.replace(fixed, idempotency_key=item.idempotency_key))
        db.session.commit()
        raise
    quote = forms.price(item.account_id, item.carrier, fixed, today or utcnow().date())
    if quote.priced:
        item.quote, item.price_gross = quote.to_snapshot(), quote.gross
    item.request = codec.encode(fixed)
    if key != item.idempotency_key:
        item.shipment_id = None
    item.idempotency_key = key
    item.status = BatchItemStatus.WAITING
    item.error = None
    item.problems = None
    item.next_try_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError:  # another batch queued the order since the check above
        db.session.rollback()
        raise ValidationError(N_("This order is being sent in another batch right now.")) from None
    refresh(item.batch_id)
    return item


def _never_arrived(port_for: dispatch.PortFor, item: ShipmentBatchItem) -> bool:
    """Whether nothing exists at the carrier under the item's key (a new key is then safe)."""
    shipment = dispatch.by_key(item.idempotency_key)
    if shipment is None:
        return True  # refused by the checks before it was recorded: never sent
    if shipment.status is not ShipmentStatus.FAILED:
        return False
    try:
        return port_for(item.carrier, item.account_id).find_shipment(item.idempotency_key) is None
    except CarrierError:
        return False  # cannot tell now: keep the key, the shipment is read back instead
