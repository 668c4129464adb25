"""Price lists stored straight in the database for the shipping tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from desk.extensions import db
from desk.models import AddonPrice, PriceList, PriceRow

TODAY = dt.date(2026, 12, 3)
D = Decimal


def make_list(
    *,
    account_id: int | None = None,
    name: str = "Cennik",
    valid_from: dt.date = dt.date(2026, 1, 1),
    valid_to: dt.date | None = None,
    rows=(),
    addons=(),
    vat_rate: str = "23.00",
) -> PriceList:
    """A list with `rows` (carrier, service, size, from_g, to_g, net) and `addons` (dicts)."""
    price_list = PriceList(
        account_id=account_id,
        name=name,
        valid_from=valid_from,
        valid_to=valid_to,
        vat_rate=D(vat_rate),
        rows=[
            PriceRow(carrier=c, service=s, size_class=size, weight_from_g=lo, weight_to_g=hi, net=D(net))
            for c, s, size, lo, hi, net in rows
        ],
        addons=[AddonPrice(**{"carrier": "", "service": "", **addon}) for addon in addons],
    )
    db.session.add(price_list)
    db.session.commit()
    return price_list


DPD_BANDS = [
    ("dpd", "dpd_classic", "", 0, 1000, "15.90"),
    ("dpd", "dpd_classic", "", 1001, 5000, "18.50"),
    ("dpd", "dpd_classic", "", 5001, 10000, "21.50"),
]
LOCKER = [
    ("inpost", "inpost_locker_standard", "A", 0, 25000, "13.81"),
    ("inpost", "inpost_locker_standard", "B", 0, 25000, "15.44"),
    ("inpost", "inpost_locker_standard", "C", 0, 25000, "17.07"),
]
ADDONS = [
    {"code": "cod", "net_fixed": D("2.30"), "percent": D("1.00")},
    {"code": "insurance", "value_from": D("0.00"), "value_to": D("1000.00"), "net_fixed": D("1.00")},
    {"code": "insurance", "value_from": D("1000.01"), "value_to": D("5000.00"), "net_fixed": D("1.60")},
    {"code": "sms", "net_fixed": D("0.50")},
]
