"""Idempotent upsert of Allegro checkout forms into orders (by Allegro id + revision)."""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Iterable, Sequence

from sqlalchemy import Row, select

from desk.extensions import db
from desk.models import Order, OrderChange, OrderLine
from desk.orm import json_text, utcnow
from desk.services.orders.bulk_insert import insert_rows
from desk.services.shared.erasures import guard_orders
from desk.services.shared.quarantine import Quarantine, store_each
from integrations.allegro import CheckoutForm

TRACKED_FIELDS = ("status", "fulfillment_status", "payment_type", "delivery_method_name", "total_amount")


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    STALE = "stale"  # Allegro sent an older version than we hold: keep ours


def load_orders(account_id: int, allegro_ids: Iterable[str]) -> dict[str, Order]:
    """Orders of an account keyed by Allegro id, in one query."""
    ids = list(set(allegro_ids))
    if not ids:
        return {}
    rows = db.session.scalars(select(Order).where(Order.allegro_id.in_(ids), _same_account(account_id)))
    return {order.allegro_id: order for order in rows}


def _same_account(account_id: int):
    # `+ 0` keeps the planner off the account_id indexes: looking up by allegro_id uses the
    # (allegro_id, account_id) unique index even while statistics are stale during a first sync,
    # instead of scanning the whole account for every page.
    return Order.account_id + 0 == account_id


def is_current(order: Order | Row | None, form: CheckoutForm) -> bool:
    """True when the stored order (an entity or a row of its version columns) already reflects
    this version of the form."""
    if order is None:
        return False
    return (
        order.revision == form.revision
        and order.allegro_updated_at == form.updated_at
        and order.fulfillment_status == (form.fulfillment.status if form.fulfillment else None)
    )


def store_forms(
    account_id: int,
    forms: Sequence[CheckoutForm],
    quarantine: Quarantine,
    *,
    source: str,
    existing: dict[str, Order] | None = None,
    mostly_new: bool = False,
) -> list[Outcome]:
    """`upsert_forms` that never fails a page for one bad order: when the store refuses the page,
    its orders are stored one by one and those still refused are set aside in `quarantine`.
    Flushes only (the caller commits with its cursor)."""
    refused: set[str] = set()

    def store(batch: Sequence[CheckoutForm]) -> list[Outcome]:
        if batch is not forms:  # one order at a time, after the page was refused: read afresh
            return upsert_forms(account_id, batch, source=source)
        return upsert_forms(account_id, batch, source=source, existing=existing, mostly_new=mostly_new)

    def refuse(form: CheckoutForm, exc: BaseException) -> None:
        refused.add(form.id)
        quarantine.refuse("checkout_form", form.id, form, exc)

    outcomes = store_each(forms, store, refuse)
    quarantine.stored("checkout_form", (form.id for form in forms if form.id not in refused))
    return outcomes


def upsert_forms(
    account_id: int,
    forms: Sequence[CheckoutForm],
    *,
    source: str,
    existing: dict[str, Order] | None = None,
    mostly_new: bool = False,
) -> list[Outcome]:
    """Apply a page of forms; flushes only (the caller commits with its cursor).

    New orders are inserted in bulk (two statements a page), which keeps a history backfill
    close to the speed of merely fetching it; changed orders go through the ORM to record history.
    With `mostly_new` (a backfill) the page is inserted first, skipping orders already stored,
    and only those are read back, instead of looking every order up before inserting.
    """
    created: set[str] = set()
    if existing is None:
        if mostly_new:
            created = _bulk_create(account_id, _last_of_each(forms), skip_existing=True)
        existing = _load_changed(account_id, [form for form in forms if form.id not in created])
    outcomes: list[Outcome] = []
    fresh: dict[str, CheckoutForm] = {}
    for form in forms:
        order = existing.get(form.id)
        if form.id in created:
            outcomes.append(Outcome.CREATED)
        elif order is None:
            fresh[form.id] = form  # a later duplicate in the same page wins
            outcomes.append(Outcome.CREATED)
        else:
            outcomes.append(_update(order, form, source))
    if fresh:
        _bulk_create(account_id, list(fresh.values()))
    db.session.flush()
    # Erased orders keep only what is not personal, whatever Allegro still serves (erasure registry).
    guard_orders(account_id, [(form.id, form.buyer.id, form.bought_at) for form in forms])
    return outcomes


def _load_changed(account_id: int, forms: Sequence[CheckoutForm]) -> dict[str, Order | Row]:
    """What is stored of these orders: the version columns of those already current (enough to
    call them unchanged), the full ORM entity of those that need updating.

    A re-read page (a sweep, or the order a backfill window restarts at) is mostly unchanged
    orders; building entities for them would cost more than the rest of the page.
    """
    ids = {form.id for form in forms}
    if not ids:
        return {}
    version = select(Order.allegro_id, Order.revision, Order.allegro_updated_at, Order.fulfillment_status)
    rows = db.session.execute(version.where(Order.allegro_id.in_(ids), _same_account(account_id)))
    versions = {row.allegro_id: row for row in rows}
    changed = {form.id for form in forms if form.id in versions and not is_current(versions[form.id], form)}
    current = {key: row for key, row in versions.items() if key not in changed}
    return current | load_orders(account_id, changed)


def _last_of_each(forms: Sequence[CheckoutForm]) -> list[CheckoutForm]:
    """The page without repeats; where an order appears twice, its later version."""
    return list({form.id: form for form in forms}.values())


def _bulk_create(account_id: int, forms: list[CheckoutForm], *, skip_existing: bool = False) -> set[str]:
    """Insert new orders and their lines; returns the Allegro ids actually inserted.

    With `skip_existing`, orders the account already holds are left alone (not inserted, not
    returned); otherwise a stored one breaks the unique constraint.
    """
    now = utcnow()
    # JSON columns get the DTOs themselves: the column encoder writes a dataclass as the object
    # of its fields, so the ORM path (`_plain`) and this one store the same text.
    rows = [
        {"account_id": account_id, "allegro_id": f.id, "synced_at": now, **_columns(f, as_json=_as_is)}
        for f in forms
    ]
    conflicts = ("allegro_id", "account_id") if skip_existing else ()
    ids = dict(insert_rows(Order.__table__, rows, returning=("allegro_id", "id"), skip_conflicts=conflicts))
    lines = [
        {"order_id": ids[form.id], **_line_columns(item)}
        for form in forms
        if form.id in ids
        for item in form.line_items
    ]
    insert_rows(OrderLine.__table__, lines)
    return set(ids)


def _update(order: Order, form: CheckoutForm, source: str) -> Outcome:
    if is_current(order, form):
        return Outcome.UNCHANGED
    if order.allegro_updated_at and form.updated_at and form.updated_at < order.allegro_updated_at:
        return Outcome.STALE
    before = {name: getattr(order, name) for name in TRACKED_FIELDS}
    _fill(order, form)
    _record_changes(order, before, source)
    return Outcome.UPDATED


def _record_changes(order: Order, before: dict, source: str) -> None:
    for name, old in before.items():
        new = getattr(order, name)
        if old != new:
            order.changes.append(
                OrderChange(source=source, field=name, old_value=_text(old), new_value=_text(new))
            )


def _text(value) -> str | None:
    return None if value is None else str(value)[:255]


def _fill(order: Order, form: CheckoutForm) -> None:
    """Copy a form onto an existing order row (every field Allegro owns)."""
    for name, value in _columns(form).items():
        setattr(order, name, value)
    _fill_lines(order, form)


def _columns(form: CheckoutForm, as_json: Callable | None = None) -> dict:
    """Order columns from a checkout form (without lines); `as_json` turns a DTO into a JSON value."""
    as_json = as_json or _plain
    buyer, payment, delivery, invoice = form.buyer, form.payment, form.delivery, form.invoice
    fulfillment = form.fulfillment
    return {
        "revision": form.revision,
        "status": form.status,
        "allegro_updated_at": form.updated_at,
        "bought_at": form.bought_at,
        "message_to_seller": form.message_to_seller,
        "fulfillment_status": fulfillment.status if fulfillment else None,
        "line_items_sent": fulfillment.line_items_sent if fulfillment else None,
        "buyer_allegro_id": buyer.id,
        "buyer_login": buyer.login,
        "buyer_email": buyer.email,
        "buyer_first_name": buyer.first_name,
        "buyer_last_name": buyer.last_name,
        "buyer_company": buyer.company_name,
        "buyer_phone": buyer.phone_number,
        "payment_type": payment.type if payment else None,
        "payment_provider": payment.provider if payment else None,
        "paid_amount": payment.paid_amount.amount if payment and payment.paid_amount else None,
        "paid_at": payment.finished_at if payment else None,
        "total_amount": form.total_to_pay.amount,
        "currency": form.total_to_pay.currency,
        "delivery_method_id": delivery.method_id if delivery else None,
        "delivery_method_name": delivery.method_name if delivery else None,
        "delivery_cost": delivery.cost.amount if delivery and delivery.cost else None,
        "delivery_address": as_json(delivery.address) if delivery and delivery.address else None,
        "pickup_point": as_json(delivery.pickup_point) if delivery and delivery.pickup_point else None,
        "invoice_required": bool(invoice and invoice.required),
        "invoice": as_json(invoice) if invoice else None,
        "surcharges": [_price_dict(s.paid_amount) | {"id": s.id, "type": s.type} for s in form.surcharges],
    }


def _line_columns(item) -> dict:
    return {
        "allegro_id": item.id,
        "offer_id": item.offer_id,
        "offer_name": item.offer_name[:255],
        "external_id": item.external_id,
        "quantity": item.quantity,
        "price": item.price.amount,
        "currency": item.price.currency,
        "original_price": item.original_price.amount if item.original_price else None,
    }


def _fill_lines(order: Order, form: CheckoutForm) -> None:
    current = {line.allegro_id: line for line in order.lines}
    wanted = []
    for item in form.line_items:
        line = current.get(item.id) or OrderLine()
        for name, value in _line_columns(item).items():
            setattr(line, name, value)
        wanted.append(line)
    if [line.allegro_id for line in order.lines] != [line.allegro_id for line in wanted]:
        order.lines = wanted


def _price_dict(price) -> dict:
    if price is None:
        return {}
    return {"amount": str(price.amount), "currency": price.currency}


def _as_is(value):
    return value


def _plain(value) -> dict:
    """A DTO as the plain data of its JSON column: exactly what the column encoder writes for it."""
    return json.loads(json_text(value))
