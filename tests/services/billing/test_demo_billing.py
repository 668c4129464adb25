"""`make run`: the demo account has a balance with a history: top-ups, the demo parcels' charges, a refund
and a withdrawal; starting again adds nothing twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from desk import demo_billing, demo_shipping
from desk.extensions import db
from desk.models import EntryKind, LedgerEntry, Order, Payout, SellerAccount
from desk.services import billing
from desk.services.shipping import ensure_public_price_list
from tests.services.shipping.test_demo_shipping import METHODS


def add_demo_orders(account_id: int) -> None:
    """Twelve paid orders, a quarter each by locker, DPD with cash on delivery, Pocztex, personal pick-up."""
    for index in range(12):
        method = METHODS[index % 4]
        point = {"id": "SZC50N", "city": "Szczecin", "zip_code": "70-470"} if index % 4 == 0 else None
        payment = "CASH_ON_DELIVERY" if "pobranie" in method else "ONLINE"
        db.session.add(Order(
            account_id=account_id, allegro_id=f"demo-{index:04d}-cccc-dddd", status="READY_FOR_PROCESSING",
            total_amount=Decimal("59.00"), buyer_email=f"k{index}@allegromail.pl",
            payment_type=payment, delivery_method_name=method, pickup_point=point,
            delivery_address={"first_name": "Jan", "last_name": f"Nowak {index}", "street": "Długa 5",
                              "city": "Kraków", "zip_code": "30-001", "phone_number": "600200300"},
        ))
    db.session.commit()
    ensure_public_price_list(today=dt.date(2026, 1, 1))


def test_the_demo_balance_has_top_ups_charges_a_refund_and_a_withdrawal(app):
    account = SellerAccount(name="Sklep demo")
    db.session.add(account)
    db.session.commit()
    add_demo_orders(account.id)
    demo_billing.prepare_billing(account.id)
    demo_billing.prepare_billing(account.id)
    assert billing.balance(account.id) == Decimal("800.00")
    demo_shipping.prepare_presets(account.id)
    assert demo_shipping.ship_some_orders(app, account.id) == 3
    demo_billing.after_shipping(app, account.id)
    demo_billing.after_shipping(app, account.id)
    kinds = db.session.scalars(select(LedgerEntry.kind).where(LedgerEntry.account_id == account.id)).all()
    assert kinds.count(EntryKind.TOPUP) == 2 and kinds.count(EntryKind.SHIPMENT_CHARGE) == 3
    assert kinds.count(EntryKind.CANCEL_REFUND) == 1
    assert kinds.count(EntryKind.WITHDRAWAL) == kinds.count(EntryKind.WITHDRAWAL_FEE) == 1
    assert db.session.scalar(select(Payout.amount)) == Decimal("50.00")
    assert billing.balance(account.id) == billing.ledger_sum(account.id) > 0
    assert billing.profile(account.id).nip == "8567346215"
