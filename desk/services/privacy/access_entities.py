"""Which seller account and which buyer each kind of logged entity belongs to (one query per kind)."""
from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Select, select
from sqlalchemy.orm.util import identity_key

from desk.extensions import db
from desk.models import Complaint, Order, ParcelReturn, Shipment, ShipmentCod
from desk.models.issue import Issue
from desk.models.rating import Rating


def _own(model) -> Callable[[Sequence[int]], Select]:
    """Entities holding their own account and buyer id."""
    return lambda ids: select(model.id, model.account_id, model.buyer_allegro_id).where(model.id.in_(ids))


def _through_order(model) -> Callable[[Sequence[int]], Select]:
    """Entities that name their buyer through the order they belong to."""
    return lambda ids: (
        select(model.id, model.account_id, Order.buyer_allegro_id)
        .outerjoin(Order, Order.id == model.order_id)
        .where(model.id.in_(ids))
    )


def _cod(ids: Sequence[int]) -> Select:
    return (
        select(ShipmentCod.id, ShipmentCod.account_id, Order.buyer_allegro_id)
        .outerjoin(Shipment, Shipment.id == ShipmentCod.shipment_id)
        .outerjoin(Order, Order.id == Shipment.order_id)
        .where(ShipmentCod.id.in_(ids))
    )


ENTITY_QUERIES: dict[str, Callable[[Sequence[int]], Select]] = {
    "order": _own(Order),
    "issue": _own(Issue),
    "rating": _own(Rating),
    "shipment": _through_order(Shipment),
    "complaint": _through_order(Complaint),
    "parcel_return": _through_order(ParcelReturn),
    "shipment_cod": _cod,
}
ENTITY_TYPES = tuple(ENTITY_QUERIES)


OWN_MODELS = {"order": Order, "issue": Issue, "rating": Rating}
_OWN_FIELDS = frozenset({"account_id", "buyer_allegro_id"})


def entity_buyers(entity_type: str, ids: Sequence[int]) -> dict[int, tuple[int | None, str | None]]:
    """entity id -> (account id, buyer's Allegro id) for the given entities of `entity_type`.

    An entity the request's session already holds (the page just loaded it) is read from there.
    """
    if entity_type not in ENTITY_QUERIES:
        raise ValueError(f"unknown entity type {entity_type!r}")
    found = _loaded(OWN_MODELS.get(entity_type), ids)
    missing = [i for i in ids if i not in found]
    if missing:
        rows = db.session.execute(ENTITY_QUERIES[entity_type](missing)).all()
        found |= {row[0]: (row[1], row[2]) for row in rows}
    return found


def _loaded(model, ids: Sequence[int]) -> dict[int, tuple[int | None, str | None]]:
    if model is None:
        return {}
    found = {}
    for entity_id in ids:
        entity = db.session.identity_map.get(identity_key(model, entity_id))
        if entity is not None and entity.__dict__.keys() >= _OWN_FIELDS:  # loaded, not expired
            found[entity_id] = (entity.account_id, entity.buyer_allegro_id)
    return found
