"""What the desk already knows of a parcel, for a carrier complaint about it: the waybill, when it was posted
and delivered (from its tracking), its declared value, cash on delivery, the fee the seller paid, the label
(a copy of the transport document) and the buyer conversations of the same order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from desk.extensions import db
from desk.models import BillingProfile, SellerAccount
from desk.models.issue import Issue
from desk.models.shipment import Shipment, ShipmentLabel
from desk.services.complaints.money import fee_of
from desk.services.errors import N_, NotFoundError
from integrations.carriers import TrackingState

POSTED_STATES = (TrackingState.HANDED_OVER.value, TrackingState.IN_TRANSIT.value)


@dataclass(frozen=True)
class ParcelFacts:
    shipment_id: int
    account_id: int
    order_id: int | None
    carrier: str
    service: str
    waybill: str
    posted_at: dt.datetime | None
    delivered_at: dt.datetime | None
    value: Decimal | None
    cod_amount: Decimal | None
    fee: Decimal | None


def shipment_for(shipment_id: int, account_ids: set[int] | None) -> Shipment:
    """The shipment, when the caller may see its account."""
    shipment = db.session.get(Shipment, shipment_id)
    if shipment is None or (account_ids is not None and shipment.account_id not in account_ids):
        raise NotFoundError(N_("Shipment not found."))
    return shipment


def parcel_facts(shipment: Shipment) -> ParcelFacts:
    """The parcel as its tracking tells it: posted at its first handover or transit event (else when it was
    sent), delivered at its first delivery event."""
    events = sorted(shipment.events, key=lambda event: (event.at, event.id))
    posted = next((e.at for e in events if e.state in POSTED_STATES), None)
    delivered = next((e.at for e in events if e.state == TrackingState.DELIVERED.value), None)
    insurance = (shipment.request or {}).get("insurance")
    return ParcelFacts(
        shipment_id=shipment.id,
        account_id=shipment.account_id,
        order_id=shipment.order_id,
        carrier=shipment.carrier,
        service=shipment.service,
        waybill=(shipment.waybills or [""])[0],
        posted_at=posted or shipment.sent_at or shipment.confirmed_at,
        delivered_at=delivered,
        value=Decimal(str(insurance)) if insurance not in (None, "") else None,
        cod_amount=shipment.cod_amount,
        fee=fee_of(shipment),
    )


def transport_document(shipment: Shipment) -> tuple[str, bytes] | None:
    """The label the desk keeps for the parcel (PDF), as the copy of the transport document."""
    label = db.session.scalar(
        select(ShipmentLabel)
        .where(ShipmentLabel.shipment_id == shipment.id, ShipmentLabel.format == "pdf")
        .order_by(ShipmentLabel.id)
        .limit(1)
    )
    if label is None:
        return None
    waybill = (shipment.waybills or [str(shipment.id)])[0]
    return f"etykieta-{waybill}.pdf", label.content


def payout_account(account_id: int) -> tuple[str, str]:
    """(IBAN, holder) the seller's billing profile names, to start the form with ("" when none)."""
    found = db.session.get(BillingProfile, account_id)
    account = db.session.get(SellerAccount, account_id)
    holder = (found.company_name if found else "") or (account.name if account else "")
    return (found.payout_iban if found else ""), holder


def conversations_of(order_id: int | None, account_id: int) -> list[Issue]:
    """The buyer's claims and conversations about the order (to link the complaint to one)."""
    if order_id is None:
        return []
    return list(
        db.session.scalars(
            select(Issue)
            .where(Issue.order_id == order_id, Issue.account_id == account_id)
            .order_by(Issue.activity_at.desc())
        )
    )
