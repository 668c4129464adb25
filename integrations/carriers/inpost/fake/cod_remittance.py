"""The fake ShipX's COD settlement file (the format `integrations.carriers.inpost.cod_remittance` reads),
made from given lines or from the fake's own delivered COD parcels."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal

from integrations.carriers.addresses import WARSAW
from integrations.carriers.inpost.cod_remittance import COLUMNS
from integrations.carriers.inpost.fake.state import FakeInPostState

Line = tuple[str, Decimal, dt.date]  # waybill, amount, day of collection


def settlement_file(lines: Iterable[Line], *, settlement_id: str, transfer_date: dt.date) -> bytes:
    """The CSV InPost sends with a COD transfer."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=",", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for waybill, amount, collected in lines:
        delivered = dt.datetime.combine(collected, dt.time(14, 3), dt.timezone(dt.timedelta(hours=1)))
        writer.writerow([waybill, f"{amount:.2f}", "PLN", delivered.isoformat(), settlement_id,
                         transfer_date.isoformat()])
    return out.getvalue().encode("utf-8")


def delivered_cod(state: FakeInPostState) -> list[Line]:
    """Every delivered parcel of the fake that carried COD, with the day of its delivery."""
    with state.lock:
        found = []
        for shipment in state.shipments.values():
            cod = shipment.body.get("cod") or {}
            delivered = [e for e in shipment.events if e.get("status") == "delivered"]
            if cod.get("amount") and shipment.tracking_number and delivered:
                day = delivered[-1]["datetime"].astimezone(WARSAW).date()
                found.append((shipment.tracking_number, Decimal(str(cod["amount"])), day))
        return found
