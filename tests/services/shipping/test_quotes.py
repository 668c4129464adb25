"""Quotes: bands at their edges, dimensional weight, size classes, add-ons, VAT per line, which list."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from desk.extensions import db
from desk.models import SellerAccount
from desk.services.shipping import NotPriced, Parcel, Quote, quote, quotes_for
from tests.services.shipping.helpers import ADDONS, DPD_BANDS, LOCKER, TODAY, D, make_list


@pytest.fixture
def account(app):
    account = SellerAccount(name="Sklep Kwiatek")
    db.session.add(account)
    db.session.commit()
    return account


@pytest.fixture
def public(app):
    return make_list(name="Publiczny", rows=DPD_BANDS + LOCKER, addons=ADDONS)


def dpd(owner, *parcels, **kwargs):
    return quote(owner, carrier="dpd", service="dpd_classic", parcels=parcels, at=TODAY, **kwargs)


@pytest.mark.parametrize(
    ("weight", "net"),
    [(1000, "15.90"), (1001, "18.50"), (5000, "18.50"), (5001, "21.50"), (10000, "21.50"), (0, "15.90")],
)
def test_weight_bands_include_their_upper_edge(public, weight, net):
    result = dpd(None, Parcel(weight_g=weight))
    assert isinstance(result, Quote)
    assert result.lines[0].net == D(net)


def test_dimensional_weight_wins_when_larger_for_courier_services(public):
    # 40×30×30 cm = 36000 cm³ / 6000 = 6 kg > 2 kg actual: the 5-10 kg band
    result = dpd(None, Parcel(weight_g=2000, length_mm=400, width_mm=300, height_mm=300))
    assert result.lines[0].net == D("21.50")
    assert result.lines[0].detail == "5001–10000 g"
    # 20×20×15 cm = 1 kg dimensional < 3 kg actual: actual weight counts
    assert dpd(None, Parcel(weight_g=3000, length_mm=200, width_mm=200, height_mm=150)).lines[0].net == D(
        "18.50"
    )


def test_locker_prices_by_size_class_only(public):
    # a big light box would be 10 kg dimensional; a locker service ignores that
    result = quote(
        None,
        carrier="inpost",
        service="inpost_locker_standard",
        at=TODAY,
        parcels=[Parcel(weight_g=500, length_mm=640, width_mm=380, height_mm=250, size_class="b")],
    )
    assert [(line.code, line.net, line.detail) for line in result.lines] == [
        ("parcel", D("15.44"), "B 0–25000 g")
    ]


def test_locker_without_a_size_class_is_not_priced(public):
    result = quote(
        None, carrier="inpost", service="inpost_locker_standard", at=TODAY, parcels=[Parcel(weight_g=500)]
    )
    assert isinstance(result, NotPriced)
    assert [r.code for r in result.reasons] == ["size_required"]


def test_vat_is_rounded_half_up_per_line_and_totals_are_sums(app):
    # 0.50 net * 23 % = 0.115 -> 0.12 (half-up); 2.30 * 23 % = 0.529 -> 0.53
    price_list = make_list(
        rows=[("dpd", "dpd_classic", "", 0, 1000, "0.50")], addons=[{"code": "sms", "net_fixed": D("2.30")}]
    )
    result = dpd(price_list, Parcel(weight_g=10), Parcel(weight_g=20), additional_services=["sms"])
    parcel, sms = result.lines
    assert (parcel.quantity, parcel.unit_net, parcel.net, parcel.vat, parcel.gross) == (
        2,
        D("0.50"),
        D("1.00"),
        D("0.23"),
        D("1.23"),
    )
    assert (sms.net, sms.vat, sms.gross) == (D("2.30"), D("0.53"), D("2.83"))
    assert (result.net, result.vat, result.gross) == (D("3.30"), D("0.76"), D("4.06"))
    single = dpd(price_list, Parcel(weight_g=10))
    assert (single.lines[0].vat, single.gross) == (D("0.12"), D("0.62"))


def test_cod_is_flat_plus_percent_and_insurance_by_band(public):
    result = dpd(None, Parcel(weight_g=500), cod_amount=D("250.00"), insurance=D("1000.01"))
    lines = {line.code: line for line in result.lines}
    assert lines["cod"].net == D("4.80")  # 2.30 + 1 % of 250
    assert lines["cod"].vat == D("1.10")  # 1.104
    assert lines["insurance"].net == D("1.60")  # 1000.01 is in the second band
    assert dpd(None, Parcel(weight_g=500), insurance=D("1000.00")).lines[1].net == D("1.00")


def test_cod_percent_rounds_half_up_and_respects_the_minimum(app):
    price_list = make_list(
        rows=DPD_BANDS,
        addons=[{"code": "cod", "net_fixed": D("0.00"), "percent": D("1.50"), "min_net": D("3.00")}],
    )
    assert dpd(price_list, Parcel(weight_g=500), cod_amount=D("100.00")).lines[1].net == D("3.00")
    assert dpd(price_list, Parcel(weight_g=500), cod_amount=D("333.00")).lines[1].net == D("5.00")  # 4.995


def test_carrier_specific_addon_wins_over_the_generic_one(app):
    price_list = make_list(
        rows=DPD_BANDS,
        addons=[
            {"code": "sms", "net_fixed": D("0.50")},
            {"code": "sms", "carrier": "dpd", "net_fixed": D("0.30")},
            {"code": "sms", "carrier": "dpd", "service": "dpd_pickup", "net_fixed": D("0.10")},
        ],
    )
    assert dpd(price_list, Parcel(weight_g=1), additional_services=["sms"]).lines[1].net == D("0.30")


def test_the_accounts_individual_list_wins_and_others_fall_back_to_public(public, account):
    make_list(account_id=account.id, name="Indywidualny", rows=[("dpd", "dpd_classic", "", 0, 31500, "9.99")])
    own = dpd(account, Parcel(weight_g=500))
    assert (own.list_name, own.lines[0].net) == ("Indywidualny", D("9.99"))
    assert dpd(account.id, Parcel(weight_g=500)).list_name == "Indywidualny"
    assert dpd(None, Parcel(weight_g=500)).list_name == "Publiczny"
    other = SellerAccount(name="Inny sklep")
    db.session.add(other)
    db.session.commit()
    assert dpd(other, Parcel(weight_g=500)).list_name == "Publiczny"


def test_a_past_day_is_priced_by_the_list_valid_then(app):
    make_list(
        name="2025",
        valid_from=dt.date(2025, 1, 1),
        valid_to=dt.date(2025, 12, 31),
        rows=[("dpd", "dpd_classic", "", 0, 1000, "12.00")],
    )
    make_list(
        name="2026", valid_from=dt.date(2026, 1, 1), rows=[("dpd", "dpd_classic", "", 0, 1000, "15.90")]
    )
    old = quote(
        None, carrier="dpd", service="dpd_classic", parcels=[Parcel(weight_g=1)], at=dt.date(2025, 12, 31)
    )
    new = quote(
        None, carrier="dpd", service="dpd_classic", parcels=[Parcel(weight_g=1)], at=dt.date(2026, 1, 1)
    )
    assert (old.list_name, old.lines[0].net) == ("2025", D("12.00"))
    assert (new.list_name, new.lines[0].net) == ("2026", D("15.90"))


def test_not_priced_lists_every_reason_and_never_a_price(public):
    result = dpd(None, Parcel(weight_g=500), Parcel(weight_g=40000), additional_services=["saturday"])
    assert isinstance(result, NotPriced)
    assert not result.priced
    assert [(r.code, r.params) for r in result.reasons] == [
        ("no_row", {"number": 2, "weight": 40000, "size": "—"}),
        ("addon_not_priced", {"code": "saturday"}),
    ]
    none = quote(
        None, carrier="dpd", service="dpd_classic", parcels=[Parcel(weight_g=1)], at=dt.date(2020, 1, 1)
    )
    assert [r.code for r in none.reasons] == ["no_list"]


def test_snapshot_round_trip_is_exact_and_json_safe(public):
    result = dpd(
        None,
        Parcel(weight_g=2000, length_mm=400, width_mm=300, height_mm=300),
        Parcel(weight_g=100),
        cod_amount=D("123.45"),
        insurance=D("800"),
        additional_services=["sms"],
    )
    snapshot = json.loads(json.dumps(result.to_snapshot()))
    assert snapshot["gross"] == str(result.gross)
    assert snapshot["lines"][0]["net"] == "21.50"
    again = Quote.from_snapshot(snapshot)
    assert again == result
    assert again.gross == result.gross and isinstance(again.gross, Decimal)


def test_quotes_for_prices_the_same_parcels_side_by_side(public):
    results = quotes_for(
        None,
        options=[("dpd", "dpd_classic"), ("inpost", "inpost_courier_standard")],
        parcels=[Parcel(weight_g=900)],
        at=TODAY,
    )
    assert results[0].priced and results[0].gross == D("19.56")  # 15.90 + 3.66
    assert not results[1].priced and results[1].reasons[0].code == "no_row"
