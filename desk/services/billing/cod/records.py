"""A COD shipment's record, made with the shipment itself: the amount, the payout tier chosen when ordering
(the account's default otherwise), the sink and the seller's bank account with its bank's name."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from desk.extensions import db
from desk.models.cod import TIERS, CodState, PayoutSink, ShipmentCod
from desk.models.shipment import Shipment
from desk.services.billing.cod.accounts import default_tier
from desk.services.errors import N_, ValidationError
from desk.services.shared.banks import BadAccount, BankAccount, polish_account
from desk.services.shared.banks import bank_name as bank_name  # the pages read it here


def bank_account(text: str) -> BankAccount:
    """The account number as typed (IBAN, or the 26-digit NRB Poles write), checked by schwifty;
    ValidationError when it is not a valid Polish account."""
    try:
        return polish_account(text)
    except BadAccount as bad:
        if bad.reason == "empty":
            raise ValidationError(N_("Give the bank account number.")) from None
        if bad.reason == "foreign":
            raise ValidationError(N_("Cash on delivery is paid to Polish bank accounts only.")) from None
        raise ValidationError(N_("This is not a valid bank account number.")) from None


def for_shipment(
    account_id: int, carrier: str, amount: Decimal, *, sink: str, iban: str, tier: int | None
) -> ShipmentCod:
    """The COD record of a shipment being recorded (not added: the caller attaches it to its shipment
    and commits both at once). `tier` None takes the account's default."""
    chosen = default_tier(account_id) if tier is None else tier
    if chosen not in TIERS:
        raise ValidationError(N_("Choose 1, 5 or 10 working days."))
    wallet = sink == PayoutSink.ALLEGRO_WALLET.value
    compact, bank = "", ""
    if not wallet and iban:
        try:
            checked = bank_account(iban)
            compact, bank = checked.iban, checked.bank_name
        except ValidationError:  # the carrier's checks refuse it before anything is recorded
            compact = iban.replace(" ", "").upper()[:34]
    return ShipmentCod(
        account_id=account_id,
        carrier=carrier,
        amount=amount,
        tier=chosen,
        sink=PayoutSink.ALLEGRO_WALLET if wallet else PayoutSink.BANK_ACCOUNT,
        iban=compact,
        bank_name=bank,
        state=CodState.TO_COLLECT,
    )


def open_missing(*, now: dt.datetime, limit: int = 500) -> int:
    """Records for COD shipments that have none (ordered before cash on delivery was followed), with the
    account's default tier; returns how many were made (commits)."""
    shipments = db.session.scalars(
        select(Shipment)
        .where(Shipment.cod_amount.is_not(None), Shipment.cod_amount > 0)
        .where(~select(ShipmentCod.id).where(ShipmentCod.shipment_id == Shipment.id).exists())
        .order_by(Shipment.id)
        .limit(limit)
    ).all()
    for shipment in shipments:
        cod = (shipment.request or {}).get("cod") or {}
        record = for_shipment(
            shipment.account_id,
            shipment.carrier,
            shipment.cod_amount,
            sink=cod.get("sink", PayoutSink.BANK_ACCOUNT.value),
            iban=cod.get("iban", ""),
            tier=None,
        )
        record.shipment = shipment
        record.created_at = now
        db.session.add(record)
    db.session.commit()
    return len(shipments)


def of_shipment(shipment_id: int) -> ShipmentCod | None:
    """The COD record of a shipment, if it carries cash on delivery."""
    return db.session.scalar(select(ShipmentCod).where(ShipmentCod.shipment_id == shipment_id))
