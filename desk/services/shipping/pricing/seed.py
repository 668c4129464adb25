"""A realistic public price list for the demo and a fresh desk: a price for every service and every
additional service the shipment form can offer (the carriers' Capabilities), at any weight they take.

Figures from ../shared/reference/carriers-digest.md §7 ("Broker economics") where it gives them:
- InPost locker A/B/C: 16.99/18.99/20.99 PLN gross retail (inpost.pl/cenniki), here as net at 23 %
  VAT (13.81/15.44/17.07);
- InPost Kurier add-ons via a broker (fastpost.pl, net): ROD 15.00, SMS 0.50, e-mail 0.20, Saturday
  20.00, insurance up to 1k/5k/10k/20k/50k = 1.00/1.60/3.50/4.00/6.50;
- COD fee: 2.30 net flat (InPost broker example, fastpost.pl) plus 1 % of the amount (the "3 PLN + 1 %"
  payout tier of a small broker, przesylkiradzyn.pl);
- the structure: courier weight bands ≤1, 2, 5, 10, 15, 20, 25, 31.5, 40, 50 kg (§7 "Price-list
  structure to model"); express and time-definite courier services cost more than standard; Pocztex
  formats S–2XL; paczka pocztowa by gabaryt A/B.

ASSUMED (the digest quotes no figure; in the range brokers advertise, net PLN):
- base prices of InPost Kurier, DPD Classic, Pocztex Kurier (as before), and every band above 25 kg;
- InPost Kurier Express: standard plus 6.00 (by 17:00), 12.00 (by 12:00), 22.00 (by 10:00);
- InPost Kurier C2C by gabaryt A/B/C/D: 13.00/14.60/16.20/24.40;
- DPD Pickup (to a point) by weight up to 20 kg: 12.90–20.90;
- Pocztex "Paczka w Punkcie" by format S/M/L/XL: 10.90/12.90/15.90/19.90;
- paczka pocztowa ekonomiczna gabaryt A 9.90–19.90, B 14.90–29.90 by weight; priorytet +4.00;
- add-ons: InPost delivery 17–20 (dor1720) 9.00; DPD guarantees by 9:30 (time0930) 25.00 and by
  12:00 (time1200) 15.00, return of documents (rod, the broker's 15.00), exchange on delivery (cud)
  12.00, delivery in person (in_pers) 6.00, to a private person (priv_pers) 2.00, carry in (carry_in)
  15.00; Pocztex fragile 5.00, to own hands 4.00, content check by the receiver 3.00; insurance from
  50k to Poczta Polska's 99 999.99 cap 9.50.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from desk.extensions import db
from desk.models import AddonPrice, PriceList, PriceRow

DEMO_LIST_NAME = "Cennik publiczny"
BANDS_G = (1_000, 2_000, 5_000, 10_000, 15_000, 20_000, 25_000, 31_500, 40_000, 50_000)
D = Decimal
# InPost Kurier standard by the bands above; the express services add their surcharge to each band
INPOST_COURIER = ("14.50", "15.50", "16.90", "19.90", "23.90", "27.90", "31.90", "36.90", "44.90", "54.90")
INPOST_EXPRESS = {
    "inpost_courier_express_1700": D("6.00"),
    "inpost_courier_express_1200": D("12.00"),
    "inpost_courier_express_1000": D("22.00"),
}


def _bands(carrier: str, service: str, prices: tuple[str, ...], size: str = "",
           bands: tuple[int, ...] = BANDS_G) -> list[PriceRow]:
    rows, low = [], 0
    for high, net in zip(bands, prices, strict=False):
        rows.append(PriceRow(carrier=carrier, service=service, size_class=size, weight_from_g=low,
                             weight_to_g=high, net=D(net)))
        low = high + 1
    return rows


def _by_size(carrier: str, service: str, prices: tuple[tuple[str, str], ...], weight_to_g: int,
             **top: int) -> list[PriceRow]:
    """One price per size class up to a weight (`top`: a size whose band must reach further)."""
    return [PriceRow(carrier=carrier, service=service, size_class=size, weight_from_g=0,
                     weight_to_g=top.get(size, weight_to_g), net=D(net)) for size, net in prices]


def _inpost() -> list[PriceRow]:
    sizes = (("A", "13.81"), ("B", "15.44"), ("C", "17.07"))
    locker = [row for service in ("inpost_locker_standard", "inpost_locker_customer_service_point")
              for row in _by_size("inpost", service, sizes, 25_000)]
    courier = _bands("inpost", "inpost_courier_standard", INPOST_COURIER)
    express = [row for service, extra in INPOST_EXPRESS.items()
               for row in _bands("inpost", service, tuple(str(D(net) + extra) for net in INPOST_COURIER))]
    # C2C is priced by gabaryt; a full D box weighs 33.4 kg by its dimensions, so its band reaches that far
    c2c = _by_size("inpost", "inpost_courier_c2c",
                   (("A", "13.00"), ("B", "14.60"), ("C", "16.20"), ("D", "24.40")), 25_000, D=34_000)
    return locker + courier + express + c2c


def _dpd() -> list[PriceRow]:
    classic = _bands("dpd", "dpd_classic", ("15.90", "16.90", "18.50", "21.50", "25.50", "29.50", "33.50",
                                            "39.90", "47.90", "57.90"))
    pickup = _bands("dpd", "dpd_pickup", ("12.90", "13.90", "15.50", "17.90", "19.90", "20.90"))
    return classic + pickup


def _poczta() -> list[PriceRow]:
    # Pocztex Kurier: one price per format up to its 30 kg limit
    formats = (("S", "12.90"), ("M", "14.90"), ("L", "17.90"), ("XL", "21.90"), ("2XL", "34.90"))
    pocztex = _by_size("poczta", "pocztex_kurier", formats, 30_000)
    point = _by_size("poczta", "pocztex_punkt",
                     (("S", "10.90"), ("M", "12.90"), ("L", "15.90"), ("XL", "19.90")), 20_000)
    # paczka pocztowa is charged by its actual weight up to 20 kg; the desk bands by dimensional weight,
    # which for the largest gabaryt B reaches 35.2 kg, so the last band holds that too
    post_bands = (1_000, 2_000, 5_000, 10_000, 36_000)
    paczka = [row for size, prices in (("A", ("9.90", "11.90", "13.90", "16.90", "19.90")),
                                       ("B", ("14.90", "16.90", "19.90", "23.90", "29.90")))
              for row in _bands("poczta", "paczka_pocztowa", prices, size, post_bands)]
    return pocztex + point + paczka


def _rows() -> list[PriceRow]:
    return _inpost() + _dpd() + _poczta()


def _addons() -> list[AddonPrice]:
    insurance = [AddonPrice(code="insurance", value_from=D(low), value_to=D(high), net_fixed=D(net))
                 for low, high, net in (("0.00", "1000.00", "1.00"), ("1000.01", "5000.00", "1.60"),
                                        ("5000.01", "10000.00", "3.50"), ("10000.01", "20000.00", "4.00"),
                                        ("20000.01", "50000.00", "6.50"), ("50000.01", "99999.99", "9.50"))]
    flat = [AddonPrice(code=code, net_fixed=D(net))
            for code, net in (("sms", "0.50"), ("email", "0.20"), ("saturday", "20.00"), ("rod", "15.00"))]
    cod = AddonPrice(code="cod", net_fixed=D("2.30"), percent=D("1.00"))
    own = [AddonPrice(carrier=carrier, code=code, net_fixed=D(net))
           for carrier, code, net in (
               ("inpost", "dor1720", "9.00"),
               ("dpd", "time0930", "25.00"), ("dpd", "time1200", "15.00"), ("dpd", "cud", "12.00"),
               ("dpd", "in_pers", "6.00"), ("dpd", "priv_pers", "2.00"), ("dpd", "carry_in", "15.00"),
               ("poczta", "fragile", "5.00"), ("poczta", "own_hands", "4.00"),
               ("poczta", "check_content", "3.00"), ("poczta", "priority", "4.00"),
           )]
    return [cod, *insurance, *flat, *own]


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
