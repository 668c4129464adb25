"""The demo's parcels: package presets for the demo account and, once its orders have arrived, some of them
shipped through the in-process carrier fakes, so `make run` shows parcels on their way beside orders still
waiting to be sent. The desk's own jobs then confirm them and follow their tracking as the fakes move them."""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import Order, Shipment
from desk.orm import utcnow
from desk.services.shipping import dispatch, forms, prefill, presets
from desk.wiring.carriers import FAKE_CARRIERS, get_carriers
from integrations.carriers import Address, CashOnDelivery, ParcelSpec, ShipmentRequest

log = logging.getLogger(__name__)
SENDER = Address(
    name="Sklep demo",
    company="Sklep demo sp. z o.o.",
    street="Piotrkowska",
    building="120",
    city="Łódź",
    postcode="90-006",
    phone="600100200",
    email="sklep-demo@example.pl",
)
DEMO_IBAN = "PL61109010140000071219812874"
PRESETS = (
    ("Mała koperta", "25", "18", "2", "0,3", "small"),
    ("Karton 30×20×10 1 kg", "30", "20", "10", "1", "small"),
)
TEMPLATES = {"inpost": "small", "poczta": "M"}  # each carrier's own size names (DPD prices by dimensions)
SHIP_SHARE = 3  # about one order in three of the first batch leaves as a parcel
MAX_DEMO_SHIPMENTS = 25


def prepare_presets(account_id: int) -> None:
    """The demo account's package presets (first run only)."""
    if presets.presets_of(account_id):
        return
    for name, length, width, height, weight, template in PRESETS:
        presets.add_preset(
            account_id,
            name=name,
            length_cm=length,
            width_cm=width,
            height_cm=height,
            weight_kg=weight,
            template=template,
        )


def ship_some_orders(app: Flask, account_id: int) -> int:
    """Ship a share of the demo account's paid orders that fit a broker carrier (until enough are on
    their way); returns how many were ordered now."""
    existing = db.session.scalar(select(func.count(Shipment.id)).where(Shipment.account_id == account_id))
    if existing >= MAX_DEMO_SHIPMENTS:
        return 0
    gateway = get_carriers(app)

    def port_for(carrier: str, account: int):
        return gateway.port(carrier, account_id=account)

    shipped = 0
    orders = db.session.scalars(
        select(Order)
        .where(Order.account_id == account_id, Order.status == "READY_FOR_PROCESSING")
        .where(~select(Shipment.id).where(Shipment.order_id == Order.id).exists())
        .order_by(Order.id)
        .limit(MAX_DEMO_SHIPMENTS * SHIP_SHARE)
    ).all()
    for index, order in enumerate(orders):
        if index % SHIP_SHARE or existing + shipped >= MAX_DEMO_SHIPMENTS:
            continue
        request = _request(order)
        if request is None:
            continue
        if request.target_point and request.service.startswith("inpost"):
            _known_to_the_inpost_fake(app, order)
        carrier = prefill.fit_for(order.delivery_method_name).carrier
        quote = forms.price(account_id, carrier, request, utcnow().date())
        if not quote.priced:  # the demo list prices what the demo ships; anything else waits for the agents
            continue
        try:
            dispatch.order_shipment(
                port_for,
                dispatch.ShipmentOrder(
                    account_id,
                    carrier,
                    request,
                    order_id=order.id,
                    quote=quote.to_snapshot(),
                    price_gross=quote.gross,
                ),
            )
            shipped += 1
        except dispatch.ShipmentRefused as refused:  # a carrier would refuse it: the agents see to it
            log.info("demo order %s not shipped: %s", order.allegro_id, refused.problems)
    return shipped


def _request(order: Order) -> ShipmentRequest | None:
    draft = prefill.draft_for(order)
    if draft.fit is None or (draft.fit.service.startswith("inpost_locker") and not draft.target_point):
        return None
    cod = CashOnDelivery(draft.cod_amount, iban=DEMO_IBAN) if draft.cod_amount else None
    return ShipmentRequest(
        service=draft.fit.service,
        sender=SENDER,
        receiver=draft.receiver,
        parcels=(ParcelSpec(300, 200, 80, 1000, template=TEMPLATES.get(draft.fit.carrier, "")),),
        idempotency_key=f"demo-{order.id}",
        reference=order.allegro_id[:20],
        target_point=draft.target_point,
        cod=cod,
        insurance=draft.insurance,
    )


def _known_to_the_inpost_fake(app: Flask, order: Order) -> None:
    """The fake Allegro hands buyers lockers the fake InPost has not heard of; tell it, as the real InPost
    knows every locker Allegro offers (demo only: both fakes live in this process)."""
    fake = app.extensions.get(FAKE_CARRIERS, {}).get("inpost")
    point = order.pickup_point or {}
    if fake is None or not point.get("id") or point["id"] in fake.server.state.points:
        return
    fake.server.state.add_point(
        point["id"],
        city=point.get("city") or "",
        post_code=point.get("zip_code") or "",
        street=point.get("street") or "Główna",
    )
