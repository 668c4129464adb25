"""The demo's cash on delivery: a few weeks of the demo account's COD parcels, so `make run` shows money
due this week beside money paid last week, money the carrier has not remitted yet and a parcel still on
its way. The parcels are recorded as delivered (with their tracking events), the carrier's remittance is
imported from the InPost fake's own file through the desk's import, and last week's payout batch is
built and exported, so every figure on the Pobrania pages comes from the desk's own services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from desk.demo_shipping import DEMO_IBAN as IBAN
from desk.demo_shipping import SENDER
from desk.extensions import db
from desk.models import Shipment, ShipmentStatus
from desk.models.cod import ShipmentCod
from desk.models.shipment import ShipmentEvent
from desk.services.billing.cod import payouts, progress, records, remittances
from desk.services.shared.workdays import WARSAW, add_working_days, is_working_day, warsaw_date
from desk.services.shipping import codec
from integrations.carriers import Address, CashOnDelivery, ParcelSpec, ShipmentRequest
from integrations.carriers.inpost import cod_remittance as inpost_remittance
from integrations.carriers.inpost.fake.cod_remittance import settlement_file

KEY = "demo-cod-"
BUYERS = ("Anna Kowalska", "Piotr Nowak", "Katarzyna Wiśniewska", "Tomasz Wójcik", "Magdalena Kamińska",
          "Michał Lewandowski", "Agnieszka Zielińska", "Paweł Szymański")
# (amount, tier, what it is by now)
PLAN = (
    ("149.00", 1, "due_today"),
    ("89.90", 5, "due_this_week"),
    ("219.50", 1, "due_this_week"),
    ("64.00", 10, "due_this_week"),
    ("310.00", 5, "paid_last_week"),
    ("75.40", 1, "paid_last_week"),
    ("129.99", 5, "not_remitted"),
    ("59.00", 5, "on_its_way"),
)


def _before(due: dt.date, tier: int) -> dt.date:
    """The working day a parcel was delivered for its payout day to be `due` on tier `tier`."""
    day, counted = due, 0
    while counted < tier:
        day -= dt.timedelta(days=1)
        counted += is_working_day(day)
    return day


def _this_week(today: dt.date) -> list[dt.date]:
    """Working days from today to Friday (next week's first ones when this week is over)."""
    to_friday = [today + dt.timedelta(days=n) for n in range(max(0, 5 - today.weekday()))]
    days = [day for day in to_friday if is_working_day(day)]
    return days or [add_working_days(today, 1), add_working_days(today, 2)]


def _shipment(account_id: int, n: int, amount: str, tier: int) -> ShipmentCod:
    waybill = f"52300000156117{n:02d}83038270"
    request = ShipmentRequest(
        service="inpost_courier_standard",
        sender=SENDER,
        receiver=Address(name=BUYERS[n % len(BUYERS)], street="Długa 5", city="Kraków", postcode="30-001",
                         phone="600200300", email=f"kupujacy{n}@allegromail.pl"),
        parcels=(ParcelSpec(300, 200, 80, 1000),),
        idempotency_key=f"{KEY}{account_id}-{n}",
        reference=f"DEMO-COD-{n}",
        cod=CashOnDelivery(Decimal(amount), iban=IBAN),
    )
    shipment = Shipment(
        account_id=account_id, carrier="inpost", service=request.service,
        idempotency_key=request.idempotency_key, waybills=[waybill], request=codec.encode(request),
        cod_amount=Decimal(amount), reference=request.reference, status=ShipmentStatus.SENT,
    )
    record = records.for_shipment(
        account_id, "inpost", Decimal(amount), sink="bank_account", iban=IBAN, tier=tier
    )
    record.shipment, record.waybill = shipment, waybill
    db.session.add_all([shipment, record])
    return record


def _deliver(record: ShipmentCod, day: dt.date) -> None:
    at = dt.datetime.combine(day, dt.time(13, 20), WARSAW).astimezone(dt.UTC)
    shipment = record.shipment
    shipment.events.append(ShipmentEvent(waybill=record.waybill or "", code="delivered", text="Doręczona",
                                         at=at, state="delivered"))
    shipment.tracking_state, shipment.tracking_at = "delivered", at
    shipment.confirmed_at = shipment.sent_at = at - dt.timedelta(days=2)


def seed(account_id: int, now: dt.datetime) -> int:
    """The demo account's COD history (first run only); returns how many COD parcels were made."""
    exists = select(Shipment.id).where(Shipment.idempotency_key.like(f"{KEY}{account_id}-%")).limit(1)
    if db.session.scalar(exists) is not None:
        return 0
    today = warsaw_date(now)
    week = _this_week(today)
    last_week = today - dt.timedelta(days=7)
    while not is_working_day(last_week):
        last_week -= dt.timedelta(days=1)
    then = now - (today - last_week)  # a moment on last week's payout day
    made: dict[str, list[ShipmentCod]] = {}
    for n, (amount, tier, kind) in enumerate(PLAN):
        record = _shipment(account_id, n, amount, tier)
        made.setdefault(kind, []).append(record)
        due = {"due_today": week[0], "due_this_week": week[min(n, len(week) - 1)],
               "paid_last_week": last_week}.get(kind)
        if due is not None:
            _deliver(record, _before(due, tier))
        elif kind == "not_remitted":
            _deliver(record, _before(today, 9))
    db.session.commit()
    progress.follow_tracking(now=now)
    _remit(made["paid_last_week"], "RS/DEMO/1", last_week, then)
    batch = payouts.build(last_week, now=then).batch
    if batch is not None:
        payouts.export(batch.id, now=then, actor_id=None)
    _remit(made["due_today"] + made["due_this_week"], "RS/DEMO/2", today, now, unknown=True)
    progress.run(now=now)
    return len(PLAN)


def _remit(items: list[ShipmentCod], number: str, day: dt.date, now: dt.datetime, *, unknown=False) -> None:
    """The InPost fake's settlement for `items`, imported as an administrator would (with one line for a
    parcel nobody knows, to show the review list)."""
    lines = [(item.waybill or "", item.amount, warsaw_date(item.delivered_at or now)) for item in items]
    if unknown:
        lines.append(("523000099999999999999999", Decimal("42.00"), day))
    data = settlement_file(lines, settlement_id=number, transfer_date=day)
    remittances.apply({"inpost": inpost_remittance.parse}, "inpost", data, file_name=f"{number}.csv",
                      now=now, actor_id=None)
