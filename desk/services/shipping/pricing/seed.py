"""A realistic public price list for the demo and a fresh desk.

Figures from ../shared/reference/carriers-digest.md §7 ("Broker economics") where it gives them:
- InPost locker A/B/C: 16.99/18.99/20.99 PLN gross retail (inpost.pl/cenniki), here as net at 23 %
  VAT (13.81/15.44/17.07);
- InPost Kurier add-ons via a broker (fastpost.pl, net): ROD 15.00, SMS 0.50, e-mail 0.20, Saturday
  20.00, insurance up to 1k/5k/10k/20k/50k = 1.00/1.60/3.50/4.00/6.50;
- COD fee: 2.30 net flat (InPost broker example, fastpost.pl) plus 1 % of the amount (the "3 PLN + 1 %"
  payout tier of a small broker, przesylkiradzyn.pl);
- the structure: courier weight bands ≤1, 2, 5, 10, 15, 20, 25, 31.5 kg; Pocztex formats S–2XL.
The digest quotes no base courier figures for InPost Kurier, DPD Classic or Pocztex: those are
assumed (marked below), in the range brokers advertise.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from desk.extensions import db
from desk.models import AddonPrice, PriceList, PriceRow

DEMO_LIST_NAME = "Cennik publiczny"
BANDS_G = (1_000, 2_000, 5_000, 10_000, 15_000, 20_000, 25_000, 31_500)
D = Decimal


def _bands(carrier: str, service: str, prices: tuple[str, ...], size: str = "") -> list[PriceRow]:
    rows, low = [], 0
    for high, net in zip(BANDS_G, prices, strict=False):
        rows.append(PriceRow(carrier=carrier, service=service, size_class=size, weight_from_g=low,
                             weight_to_g=high, net=D(net)))
        low = high + 1
    return rows


def _rows() -> list[PriceRow]:
    locker = [PriceRow(carrier="inpost", service=service, size_class=size, weight_from_g=0,
                       weight_to_g=25_000, net=D(net))
              for service in ("inpost_locker_standard", "inpost_locker_customer_service_point")
              for size, net in (("A", "13.81"), ("B", "15.44"), ("C", "17.07"))]
    # assumed figures (the digest has none for these services)
    courier = _bands("inpost", "inpost_courier_standard",
                     ("14.50", "15.50", "16.90", "19.90", "23.90", "27.90", "31.90"))
    dpd = _bands("dpd", "dpd_classic",
                 ("15.90", "16.90", "18.50", "21.50", "25.50", "29.50", "33.50", "39.90"))
    # Pocztex Kurier: one price per format up to its 30 kg limit (assumed figures)
    pocztex = [PriceRow(carrier="poczta", service="pocztex_kurier", size_class=size, weight_from_g=0,
                        weight_to_g=30_000, net=D(net))
               for size, net in (("S", "12.90"), ("M", "14.90"), ("L", "17.90"), ("XL", "21.90"),
                                 ("2XL", "34.90"))]
    return locker + courier + dpd + pocztex


def _addons() -> list[AddonPrice]:
    insurance = [AddonPrice(code="insurance", value_from=D(low), value_to=D(high), net_fixed=D(net))
                 for low, high, net in (("0.00", "1000.00", "1.00"), ("1000.01", "5000.00", "1.60"),
                                        ("5000.01", "10000.00", "3.50"), ("10000.01", "20000.00", "4.00"),
                                        ("20000.01", "50000.00", "6.50"))]
    flat = [AddonPrice(code=code, net_fixed=D(net))
            for code, net in (("sms", "0.50"), ("email", "0.20"), ("saturday", "20.00"), ("rod", "15.00"))]
    cod = AddonPrice(code="cod", net_fixed=D("2.30"), percent=D("1.00"))
    return [cod, *insurance, *flat]


def ensure_public_price_list(*, today: dt.date) -> PriceList:
    """The public list in force today; creates the demo list (valid from Jan 1st of this year) only when
    no public list exists at all, so calling it again changes nothing. Commits when it creates."""
    existing = db.session.scalars(
        select(PriceList).where(PriceList.account_id.is_(None)).order_by(PriceList.valid_from.desc())
    ).first()
    if existing is not None:
        return existing
    price_list = PriceList(account_id=None, name=DEMO_LIST_NAME, valid_from=dt.date(today.year, 1, 1),
                           valid_to=None, rows=_rows(), addons=_addons())
    db.session.add(price_list)
    db.session.commit()
    return price_list
