"""What an account's COD adds up to (collected, due, paid, withheld, offset), when each payment arrives,
the ageing view (money the carrier has not remitted after N working days; due money not yet paid), and
the same as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from desk.extensions import db
from desk.models.account import SellerAccount
from desk.models.cod import CodOffset, CodPayout, CodPayoutBatch, CodState, PayoutSink, ShipmentCod
from desk.models.shipment import Shipment
from desk.services.shared.workdays import is_working_day, next_working_day, warsaw_date, working_days_between

ZERO = Decimal("0.00")
BOM = "\ufeff"


@dataclass(frozen=True)
class Summary:
    """Sums (PLN) and counts of one account's COD by where the money stands."""

    amounts: dict[str, Decimal]
    counts: dict[str, int]
    offset: Decimal
    wallet: Decimal  # Wysyłam z Allegro COD, paid by Allegro to the seller's wallet

    def amount(self, state: CodState | str) -> Decimal:
        return self.amounts.get(str(state), ZERO)

    def count(self, state: CodState | str) -> int:
        return self.counts.get(str(state), 0)


def summary(account_id: int) -> Summary:
    """The account's COD by state (bank-account COD; the Allegro wallet's apart)."""
    rows = db.session.execute(
        select(ShipmentCod.sink, ShipmentCod.state, func.sum(ShipmentCod.amount), func.count(ShipmentCod.id))
        .where(ShipmentCod.account_id == account_id)
        .group_by(ShipmentCod.sink, ShipmentCod.state)
    ).all()
    amounts: dict[str, Decimal] = {}
    counts: dict[str, int] = {}
    wallet = ZERO
    for sink, state, total, count in rows:
        if sink is PayoutSink.ALLEGRO_WALLET:
            wallet += Decimal(total)
            continue
        amounts[state.value] = Decimal(total)
        counts[state.value] = count
    offset = db.session.scalar(
        select(func.sum(CodOffset.amount)).where(CodOffset.account_id == account_id)
    )
    return Summary(amounts, counts, Decimal(offset or 0).quantize(Decimal("0.01")), wallet)


@dataclass(frozen=True)
class Arrival:
    """When the seller gets one COD: `kind` says how to read `on` (a date) for the screen."""

    kind: str  # after_delivery | on | late | next_payout | in_transfer | held | paid | wallet | none
    on: dt.date | None = None


def arrival(item: ShipmentCod, today: dt.date) -> Arrival:
    """When the payment of `item` will arrive, as far as the desk can tell today."""
    if item.sink is PayoutSink.ALLEGRO_WALLET:
        return Arrival("wallet")
    state = item.state
    if state is CodState.TO_COLLECT:
        return Arrival("after_delivery")
    if state in (CodState.COLLECTED, CodState.RECEIVED):
        if item.due_on is None:
            return Arrival("after_delivery")
        if item.due_on >= today:
            return Arrival("on", item.due_on)
        # the day has passed: received money goes with the next batch; collected waits for the carrier
        return Arrival("late" if state is CodState.COLLECTED else "next_payout", _next_payout(today))
    if state is CodState.DUE:
        return Arrival("in_transfer" if item.payout_id else "next_payout", _next_payout(today))
    if state is CodState.WITHHELD:
        return Arrival("held")
    if state is CodState.PAID:
        return Arrival("paid", warsaw_date(item.paid_at) if item.paid_at else None)
    return Arrival("none")


def _next_payout(today: dt.date) -> dt.date:
    return today if is_working_day(today) else next_working_day(today)


@dataclass(frozen=True)
class Item:
    """One COD shipment on the account's page."""

    cod: ShipmentCod
    waybill: str
    order_id: int | None
    arrival: Arrival


def items(account_id: int, today: dt.date, *, state: str = "", limit: int = 200) -> list[Item]:
    """The account's COD shipments, newest first, each with when its money arrives."""
    query = (
        select(ShipmentCod, Shipment.waybills, Shipment.order_id)
        .join(Shipment, Shipment.id == ShipmentCod.shipment_id)
        .where(ShipmentCod.account_id == account_id)
    )
    if state in {s.value for s in CodState}:
        query = query.where(ShipmentCod.state == CodState(state))
    rows = db.session.execute(query.order_by(ShipmentCod.id.desc()).limit(limit)).all()
    return [
        Item(cod, cod.waybill or (str(waybills[0]) if waybills else ""), order_id, arrival(cod, today))
        for cod, waybills, order_id in rows
    ]


def upcoming(account_id: int, today: dt.date) -> list[tuple[dt.date, Decimal, int]]:
    """Payments expected from today on, by day: (day, PLN, parcels)."""
    found: dict[dt.date, tuple[Decimal, int]] = {}
    rows = db.session.scalars(
        select(ShipmentCod).where(
            ShipmentCod.account_id == account_id,
            ShipmentCod.sink == PayoutSink.BANK_ACCOUNT,
            ShipmentCod.state.in_((CodState.COLLECTED, CodState.RECEIVED, CodState.DUE)),
        )
    )
    for item in rows:
        when = arrival(item, today)
        if when.on is None or when.kind == "late":
            continue
        amount, count = found.get(when.on, (ZERO, 0))
        found[when.on] = (amount + item.payable, count + 1)
    return sorted((day, amount, count) for day, (amount, count) in found.items())


@dataclass(frozen=True)
class AgeingLine:
    cod: ShipmentCod
    account_name: str
    waybill: str
    days: int  # working days since delivery (not remitted) or since the payout day (unpaid)


def ageing(account_ids: set[int] | None, today: dt.date, *, days: int, limit: int = 1000) -> dict[str, list]:
    """`not_received`: collected by the carrier more than `days` working days ago and not remitted;
    `unpaid`: due before today and not yet paid (held, or waiting for a batch). `account_ids` None: all."""
    base = (
        select(ShipmentCod, SellerAccount.name)
        .join(SellerAccount, SellerAccount.id == ShipmentCod.account_id)
        .where(ShipmentCod.sink == PayoutSink.BANK_ACCOUNT)
    )
    if account_ids is not None:
        base = base.where(ShipmentCod.account_id.in_(sorted(account_ids) or [0]))
    late = base.where(ShipmentCod.state == CodState.COLLECTED, ShipmentCod.delivered_at.is_not(None))
    unpaid = base.where(
        ShipmentCod.state.in_((CodState.DUE, CodState.WITHHELD)), ShipmentCod.due_on < today
    )
    not_received = []
    for cod, name in db.session.execute(late.order_by(ShipmentCod.delivered_at).limit(limit)):
        waited = working_days_between(warsaw_date(cod.delivered_at), today)
        if waited > days:
            not_received.append(AgeingLine(cod, name, cod.waybill or "", waited))
    overdue = [
        AgeingLine(cod, name, cod.waybill or "", working_days_between(cod.due_on, today))
        for cod, name in db.session.execute(unpaid.order_by(ShipmentCod.due_on).limit(limit))
    ]
    return {"not_received": not_received, "unpaid": overdue}


CSV_COLUMNS = (
    "przesylka", "list_przewozowy", "przewoznik", "kwota", "potracono", "do_wyplaty", "stan", "wariant_dni",
    "doreczono", "termin_wyplaty", "wyplacono", "rachunek",
)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _money(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def cell(value) -> str:
    """Text as stored, but never a formula when the sheet opens (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def report_csv(rows: Iterable[ShipmentCod], state_name) -> str:
    """COD shipments as CSV for Excel (BOM, semicolons, decimal comma); `state_name` translates states."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for cod in rows:
        writer.writerow([
            cod.shipment_id, cell(cod.waybill), cell(cod.carrier), _money(cod.amount),
            _money(cod.offset_amount), _money(cod.payable), state_name(cod.state), cod.tier,
            warsaw_date(cod.delivered_at).isoformat() if cod.delivered_at else "",
            cod.due_on.isoformat() if cod.due_on else "",
            warsaw_date(cod.paid_at).isoformat() if cod.paid_at else "",
            cell(cod.iban),
        ])
    return out.getvalue()


def all_of(account_id: int) -> list[ShipmentCod]:
    """Every COD shipment of the account (the CSV), oldest first."""
    return list(db.session.scalars(
        select(ShipmentCod).where(ShipmentCod.account_id == account_id).order_by(ShipmentCod.id)
    ))


def payouts_of_account(account_id: int, limit: int = 50) -> list[tuple[CodPayout, CodPayoutBatch]]:
    """The account's transfers, newest first."""
    return [tuple(row) for row in db.session.execute(
        select(CodPayout, CodPayoutBatch)
        .join(CodPayoutBatch, CodPayoutBatch.id == CodPayout.batch_id)
        .where(CodPayout.account_id == account_id)
        .order_by(CodPayout.id.desc())
        .limit(limit)
    )]


AGEING_COLUMNS = (
    "lista", "konto", "przesylka", "list_przewozowy", "przewoznik", "do_wyplaty", "stan", "doreczono",
    "termin_wyplaty", "dni_robocze",
)


def ageing_csv(found: dict[str, list[AgeingLine]], state_name, list_names: dict[str, str]) -> str:
    """The ageing lists as CSV for Excel; `list_names` names each list, `state_name` translates states."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(AGEING_COLUMNS)
    for key in ("not_received", "unpaid"):
        for line in found[key]:
            cod = line.cod
            writer.writerow([
                list_names[key], cell(line.account_name), cod.shipment_id, cell(line.waybill),
                cell(cod.carrier), _money(cod.payable), state_name(cod.state),
                warsaw_date(cod.delivered_at).isoformat() if cod.delivered_at else "",
                cod.due_on.isoformat() if cod.due_on else "", line.days,
            ])
    return out.getvalue()
