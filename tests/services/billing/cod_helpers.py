"""COD shipments stored straight in the database for the COD tests, and the clock they run at."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from decimal import Decimal

from desk.extensions import db
from desk.models import SellerAccount, Shipment, ShipmentStatus
from desk.models.cod import CodState, ShipmentCod
from desk.models.shipment import ShipmentEvent
from desk.services.billing.cod import records

IBAN = "PL61109010140000071219812874"  # Erste Bank Polska (schwifty's registry)
OTHER_IBAN = "PL27114020040000300201355387"  # mBank
WARSAW_NOON = dt.time(11, 0, tzinfo=dt.UTC)  # noon in Warsaw in winter
_seq = itertools.count(1)


def at(day: dt.date, time: dt.time = WARSAW_NOON) -> dt.datetime:
    """An aware UTC moment on `day` (noon in Warsaw by default)."""
    return dt.datetime.combine(day, time)


def make_account(name: str | None = None) -> SellerAccount:
    account = SellerAccount(name=name or f"Sklep {next(_seq)}")
    db.session.add(account)
    db.session.commit()
    return account


def make_cod(
    account_id: int,
    amount: str = "100.00",
    *,
    tier: int | None = 5,
    carrier: str = "inpost",
    waybill: str | None = None,
    sink: str = "bank_account",
    iban: str = IBAN,
    state: CodState = CodState.TO_COLLECT,
    delivered_on: dt.date | None = None,
    received: bool = False,
    commit: bool = True,
) -> ShipmentCod:
    """A sent COD shipment with its COD record; `delivered_on` collects it (due date computed),
    `received` also marks the broker's receipt."""
    from desk.services.billing.cod import progress

    n = next(_seq)
    waybill = waybill or f"5230000{n:017d}"
    shipment = Shipment(
        account_id=account_id,
        carrier=carrier,
        service="inpost_courier_standard",
        idempotency_key=f"cod-{n}-{uuid.uuid4().hex[:8]}",
        waybills=[waybill],
        request={"cod": {"amount": amount, "sink": sink, "iban": iban, "currency": "PLN"}},
        status=ShipmentStatus.SENT,
        cod_amount=Decimal(amount),
    )
    record = records.for_shipment(account_id, carrier, Decimal(amount), sink=sink, iban=iban, tier=tier)
    record.shipment = shipment
    record.waybill = waybill
    db.session.add_all([shipment, record])
    if delivered_on is not None:
        progress.collect(record, at(delivered_on), at(delivered_on))
    if received:
        record.received_amount = record.amount
        record.state = CodState.RECEIVED
        record.received_at = at(delivered_on or dt.date(2026, 12, 1))
    if state is not CodState.TO_COLLECT:
        record.state = state
    if commit:
        db.session.commit()
    return record


def deliver(record: ShipmentCod, when: dt.datetime, state: str = "delivered") -> None:
    """The carrier's event that the parcel was delivered (or returned), as tracking stores it."""
    shipment = record.shipment
    event = ShipmentEvent(waybill=record.waybill or "", code=state.upper(), at=when, state=state)
    shipment.events.append(event)
    shipment.tracking_state = state
    shipment.tracking_at = when
    db.session.commit()
