"""The dry run of Nadaj zaznaczone: each selected order as it would be sent (carrier and service from its
delivery method, the parcel of a package preset, the sender, the price, cash on delivery) with every
problem the carrier's own checks find. Nothing is recorded or sent here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from desk.extensions import db
from desk.models import Order, PackagePreset, SellerAccount, Shipment
from desk.orm import utcnow
from desk.services.errors import N_, NotFoundError, ValidationError
from desk.services.shipping import codec, dispatch, forms, prefill, presets
from desk.services.shipping.bulk import fields, guards
from desk.services.shipping.pricing import quotes
from integrations.carriers import (
    Address,
    CashOnDelivery,
    CodSink,
    FieldProblem,
    ShipmentRequest,
)

MAX_ORDERS = 500  # one batch at most (the orders list pages are smaller)


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
            and all(p.carrier is not None and fields.fixable_field(p.carrier.field) for p in self.problems)
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
    busy = guards.busy_orders([order.id for order in orders])
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
        row.problems.append(Problem(guards.ALREADY_SHIPPED))
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
        parcels=(presets.spec_of(preset),),
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
        dispatch.validate(
            port_for,
            dispatch.ShipmentOrder(account_id=row.order.account_id, carrier=row.carrier, request=row.request),
        )
    except dispatch.ShipmentRefused as refused:
        row.problems.extend(Problem(carrier=problem) for problem in refused.problems)
    row.quote = forms.price(row.order.account_id, row.carrier, row.request, today)
    if not row.quote.priced:
        for reason in row.quote.reasons:
            row.problems.append(Problem(reason.message, dict(reason.params)))
