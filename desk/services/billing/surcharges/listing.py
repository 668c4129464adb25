"""The surcharges inbox: pages of surcharges filtered by state, account and carrier (newest first, keyset on
the id), the evidence of one surcharge set against what was declared and quoted, and a shipment's
surcharges. Callers limited to some accounts see only theirs; unlinked surcharges belong to no account, so
only those who see every account see them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select

from desk.extensions import db
from desk.models import SellerAccount, Surcharge, SurchargeState

PAGE = 50
VIEWS = ("open", "new", "disputed", "charged", "dropped", "unlinked", "all")


@dataclass(frozen=True, slots=True)
class Filters:
    view: str = "open"  # one of VIEWS: open = new or disputed, waiting for someone
    account_id: int | None = None
    carrier: str | None = None


@dataclass(frozen=True, slots=True)
class Row:
    surcharge: Surcharge
    account_name: str


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[Row]
    next_after: int | None  # the id to continue after (None: the last page)


def list_surcharges(filters: Filters, *, account_ids: set[int] | None, after: int | None = None,
                    limit: int = PAGE) -> Page:
    """One page of surcharges, newest first. `account_ids` None: every account and the unlinked ones."""
    query = _scoped(select(Surcharge, SellerAccount.name), filters, account_ids)
    query = query.outerjoin(SellerAccount, SellerAccount.id == Surcharge.account_id)
    if after is not None:
        query = query.where(Surcharge.id < after)
    found = db.session.execute(query.order_by(Surcharge.id.desc()).limit(limit + 1)).all()
    rows = [Row(surcharge, name or "") for surcharge, name in found[:limit]]
    return Page(rows, rows[-1].surcharge.id if len(found) > limit else None)


def count_open(account_ids: set[int] | None) -> dict[str, int]:
    """How many surcharges wait: new ones to review, disputes, and (for all-seeing callers) unlinked ones."""
    counts = {view: 0 for view in ("new", "disputed", "unlinked")}
    for view in counts:
        query = _scoped(select(func.count(Surcharge.id)), Filters(view=view), account_ids)
        counts[view] = db.session.scalar(query) or 0
    return counts


def for_shipment(shipment_id: int, *, account_ids: set[int] | None) -> list[Surcharge]:
    """A shipment's surcharges, oldest first (for the shipment's page)."""
    query = select(Surcharge).where(Surcharge.shipment_id == shipment_id)
    if account_ids is not None:
        query = query.where(Surcharge.account_id.in_(account_ids or {-1}))
    return list(db.session.scalars(query.order_by(Surcharge.id)))


def _scoped(query: Select, filters: Filters, account_ids: set[int] | None) -> Select:
    if account_ids is not None:
        query = query.where(Surcharge.account_id.in_(account_ids or {-1}))
    if filters.account_id is not None:
        query = query.where(Surcharge.account_id == filters.account_id)
    if filters.carrier:
        query = query.where(Surcharge.carrier == filters.carrier)
    view = filters.view if filters.view in VIEWS else "open"
    if view == "unlinked":
        return query.where(Surcharge.account_id.is_(None))
    if view == "all":
        return query
    linked = query.where(Surcharge.account_id.is_not(None))
    if view == "open":
        return linked.where(Surcharge.state.in_((SurchargeState.NEW, SurchargeState.DISPUTED)))
    return linked.where(Surcharge.state == SurchargeState(view))


@dataclass(frozen=True, slots=True)
class Comparison:
    """One measure side by side: declared by the sender, measured by the carrier, quoted by the desk."""

    name: str  # weight | length | width | height | size
    declared: Any
    measured: Any
    quoted: Any

    @property
    def differs(self) -> bool:
        return self.measured not in (None, "") and self.measured != (self.declared or self.quoted)


def evidence(surcharge: Surcharge) -> list[Comparison]:
    """Declared, measured and quoted weight and sizes of the surcharge's parcel (grams, mm, size class).

    The quoted parcel is the first of the quote (a multi-parcel shipment is billed per parcel; which one
    the carrier measured shows in its declared values)."""
    parcel = _quoted_parcel(surcharge.quoted)
    return [
        Comparison(name, getattr(surcharge, f"declared_{column}"), getattr(surcharge, f"measured_{column}"),
                   parcel.get(quoted) or ("" if name == "size" else None))
        for name, column, quoted in (
            ("weight", "weight_g", "weight_g"), ("length", "length_mm", "length_mm"),
            ("width", "width_mm", "width_mm"), ("height", "height_mm", "height_mm"),
            ("size", "size", "size_class"),
        )
    ]


def _quoted_parcel(quoted: dict[str, Any] | None) -> dict[str, Any]:
    parcels: Sequence[dict[str, Any]] = (quoted or {}).get("parcels") or ()
    return dict(parcels[0]) if parcels else {}


def quoted_lines(surcharge: Surcharge) -> list[dict[str, Any]]:
    """The price lines the shipment was quoted with, amounts as Decimal."""
    lines = (surcharge.quoted or {}).get("lines") or []
    money = ("unit_net", "net", "vat", "gross")
    return [{**line, **{k: Decimal(line[k]) for k in money if line.get(k) is not None}} for line in lines]
