"""CSV export of the shipments ordered in a date range, streamed row by row (Excel-friendly for Poles:
UTF-8 with BOM, ';' between cells, a decimal comma, Warsaw time)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Mapping
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from desk.extensions import db
from desk.models import Order, SellerAccount
from desk.models.shipment import Shipment

WARSAW = ZoneInfo("Europe/Warsaw")
BATCH = 1000
FLUSH_EVERY = 200  # rows per chunk sent to the client
MAX_DAYS = 366
# Column keys in order; the caller gives their (translated) headings.
COLUMNS = (
    "created_at", "account", "order", "carrier", "service", "waybills", "status", "tracking_state",
    "tracking_at", "reference", "cod_amount", "price_gross",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _time(value: dt.datetime | None) -> str:
    return value.astimezone(WARSAW).strftime("%Y-%m-%d %H:%M") if value else ""


def _amount(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def _cell(value) -> str:
    """Text as stored, but never a formula when the sheet opens (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=WARSAW).astimezone(dt.UTC)


def export_csv(
    *, day_from: dt.date, day_to: dt.date, account_ids: set[int] | None, headings: Mapping[str, str],
    words: Mapping[str, str],
) -> Iterator[str]:
    """CSV chunks of every shipment ordered from `day_from` to `day_to` (Warsaw days, both included),
    oldest first, of the accounts the caller may see (`account_ids`, None for all).

    `words` names carriers, statuses and tracking states ("carrier:inpost", "status:confirmed",
    "state:in_transit", ...); a code without a name is written as it is.
    Rows are read in batches (the session holds them weakly) and written out every FLUSH_EVERY rows:
    memory stays flat for any range.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([headings.get(c, c) for c in COLUMNS])
    yield "\ufeff" + _take(buffer)
    if account_ids is not None and not account_ids:
        return
    query = (
        select(Shipment, Order.allegro_id, SellerAccount.name)
        .outerjoin(Order, Order.id == Shipment.order_id)
        .join(SellerAccount, SellerAccount.id == Shipment.account_id)
        .where(Shipment.created_at >= _midnight(day_from),
               Shipment.created_at < _midnight(day_to + dt.timedelta(days=1)))
        .order_by(Shipment.created_at, Shipment.id)
        .execution_options(yield_per=BATCH)
    )
    if account_ids is not None:
        query = query.where(Shipment.account_id.in_(sorted(account_ids)))
    for count, (shipment, order_number, account) in enumerate(db.session.execute(query), start=1):
        writer.writerow(_cell(v) for v in _values(shipment, order_number, account, words))
        if count % FLUSH_EVERY == 0:
            yield _take(buffer)
    yield _take(buffer)


def _values(shipment: Shipment, order_number: str | None, account: str, words: Mapping[str, str]) -> list:
    state = shipment.tracking_state
    return [
        _time(shipment.created_at),
        account,
        order_number or "",
        words.get(f"carrier:{shipment.carrier}", shipment.carrier),
        shipment.service,
        " ".join(shipment.waybills or ()),
        words.get(f"status:{shipment.status.value}", shipment.status.value),
        words.get(f"state:{state}", state) if state else "",
        _time(shipment.tracking_at),
        shipment.reference,
        _amount(shipment.cod_amount),
        _amount(shipment.price_gross),
    ]


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
