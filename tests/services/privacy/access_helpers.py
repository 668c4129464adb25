"""Seller accounts, orders and access-log rows stored straight in the database for the access-log tests."""
from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from sqlalchemy import delete, select

from desk.extensions import db
from desk.models import AccessLog, AccessLogPending, AccountStatus, Order, SellerAccount
from desk.services.privacy.access_log import Seen, Viewer, record_access
from desk.services.privacy.access_log_store import settle

T0 = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
_seq = itertools.count(1)


def make_account(name: str | None = None) -> SellerAccount:
    account = SellerAccount(name=name or f"Sklep {next(_seq)}", status=AccountStatus.ACTIVE)
    db.session.add(account)
    db.session.commit()
    return account


def make_order(account: SellerAccount, *, buyer: str | None = None, **fields) -> Order:
    n = next(_seq)
    buyer = buyer or f"b{n}"
    values = dict(
        allegro_id=f"{n:08x}-0000-4000-8000-000000000000", status="READY_FOR_PROCESSING",
        fulfillment_status="NEW", bought_at=T0, buyer_allegro_id=buyer, buyer_login=f"login_{buyer}",
        buyer_first_name="Anna", buyer_last_name="Nowak", total_amount=Decimal("100.00"),
    )
    order = Order(account_id=account.id, **(values | fields))
    db.session.add(order)
    db.session.commit()
    return order


def viewer(agent_id: int = 1, *, ip: str = "10.0.0.1", route: str = "orders.detail") -> Viewer:
    return Viewer(agent_id=agent_id, ip=ip, user_agent="Mozilla/5.0 test", route=route)


def seen(order: Order) -> Seen:
    return Seen("order", order.id, order.account_id, order.buyer_allegro_id)


def log_views(orders, *, agent_id: int = 1, at: dt.datetime = T0, action="view",
              classes=("identity", "contact", "address"), route="orders.detail") -> None:
    """One request per order, as the order page writes it."""
    for order in orders:
        record_access(viewer=viewer(agent_id, route=route), action=action, seen=[seen(order)],
                      classes=classes, now=at)


def logged(*conditions) -> list[AccessLog]:
    """The log's rows (oldest first) once the pending ones have joined it, as every forensic read sees it."""
    settle(db.engine)
    db.session.expire_all()
    return list(db.session.scalars(select(AccessLog).where(*conditions).order_by(AccessLog.id)))


def clear_log() -> None:
    """No row in the log, pending or moved."""
    db.session.execute(delete(AccessLogPending))
    db.session.execute(delete(AccessLog))
    db.session.commit()
