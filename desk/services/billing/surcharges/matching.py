"""Which shipment a carrier's surcharge is about: the desk's shipment of that carrier holding the waybill,
and what it was quoted, for comparing the carrier's evidence with what the seller declared."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import String, cast, or_, select

from desk.extensions import db
from desk.models import SellerAccount, Shipment

CHUNK = 50  # waybills per query (each one a LIKE on the stored list)


def shipments_by_waybill(carrier: str, waybills: Iterable[str]) -> dict[str, Shipment]:
    """{waybill: shipment} for the waybills a shipment of `carrier` holds (the others are missing).

    Shipments keep their waybills as a JSON list with no index of its own, so each chunk of waybills is
    one query matching the list's text, confirmed here against the list itself.
    """
    wanted = sorted({w for w in waybills if w})
    found: dict[str, Shipment] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        text = cast(Shipment.waybills, String)
        matches = [text.like(f'%"{_escape(waybill)}"%', escape="\\") for waybill in chunk]
        query = select(Shipment).where(Shipment.carrier == carrier, or_(*matches)).order_by(Shipment.id)
        for shipment in db.session.scalars(query):
            for waybill in chunk:
                if waybill in (shipment.waybills or ()):
                    found.setdefault(waybill, shipment)
    return found


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def account_names(account_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(account_ids))
    if not ids:
        return {}
    query = select(SellerAccount.id, SellerAccount.name).where(SellerAccount.id.in_(ids))
    return {account_id: name for account_id, name in db.session.execute(query)}


def quoted(shipment: Shipment) -> dict[str, Any] | None:
    """The parameters and price lines the shipment was quoted with (None: ordered without a quote)."""
    snapshot = shipment.quote
    if not snapshot:
        return None
    request = snapshot.get("request") or {}
    return {
        "list_name": snapshot.get("list_name"),
        "service": request.get("service"),
        "at": request.get("at"),
        "parcels": request.get("parcels") or [],
        "lines": snapshot.get("lines") or [],
        "net": snapshot.get("net"),
        "vat": snapshot.get("vat"),
        "gross": snapshot.get("gross"),
    }
