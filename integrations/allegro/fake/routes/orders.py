"""Order management endpoints: events, checkout forms, fulfillment status, shipments, carriers."""
from __future__ import annotations

from flask import Blueprint, Response, request

from integrations.allegro.fake.context import current_seller, get_state, json_body
from integrations.allegro.fake.errors import validation_error
from integrations.allegro.fake.responses import json_response
from integrations.allegro.fake.state.orders import EVENT_TYPES, FULFILLMENT_STATUSES
from integrations.allegro.fake.state.orders_index import EQUALITY_FILTERS, SORT_FIELDS, FormQuery
from integrations.allegro.fake.state.shipments import carriers_payload
from integrations.allegro.fake.state.tracking import tracking_payload
from integrations.allegro.fake.timeutil import epoch_ms, parse_iso

bp = Blueprint("orders", __name__)

MAX_RESULT_WINDOW = 10_000
# filters whose values the spec lists; anything else is a 400 "illegal value"
ENUM_FILTERS = {
    "status": frozenset({"BOUGHT", "FILLED_IN", "READY_FOR_PROCESSING", "CANCELLED"}),
    "fulfillment.status": FULFILLMENT_STATUSES,
    "fulfillment.provider.id": frozenset({"SELLER", "ALLEGRO"}),
    "fulfillment.shipmentSummary.lineItemsSent": frozenset({"NONE", "SOME", "ALL"}),
}


def _int_arg(name: str, default: int, low: int, high: int | None) -> int:
    """An integer query parameter within [low, high], else the 422 Allegro answers."""
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise validation_error(f"Parameter {name} must be an integer", path=name) from None
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise validation_error(f"Parameter {name} must be {bounds}", path=name)
    return value


def _time_arg(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        return epoch_ms(parse_iso(raw))
    except ValueError:
        raise validation_error(f"Parameter {name} must be an ISO-8601 date-time", path=name) from None


@bp.get("/order/events")
def events() -> Response:
    """The event journal after `from` (exclusive), oldest first."""
    limit = _int_arg("limit", 100, 1, 1000)
    after = request.args.get("from")
    if after is not None and not after.isdigit():
        raise validation_error(f"Invalid event id: {after}", path="from")
    types = frozenset(request.args.getlist("type")) or None
    if types is not None and not types <= EVENT_TYPES:
        raise validation_error(f"Unknown event type: {', '.join(sorted(types - EVENT_TYPES))}", path="type")
    found = get_state().events_after(current_seller(), int(after) if after else None, limit, types)
    return json_response({"events": found})


@bp.get("/order/event-stats")
def event_stats() -> Response:
    """Where the journal ends now."""
    return json_response(get_state().event_stats(current_seller()))


@bp.get("/order/checkout-forms")
def checkout_forms() -> Response:
    """A filtered, sorted page of the seller's orders."""
    return json_response(get_state().list_forms(_form_query()))


def _form_query() -> FormQuery:
    offset = _int_arg("offset", 0, 0, None)
    limit = _int_arg("limit", 100, 1, 100)
    if offset + limit > MAX_RESULT_WINDOW:
        raise validation_error("Offset and limit parameters exceed maximal result size of 10000 items")
    sort = request.args.get("sort", "-lineItems.boughtAt")
    if sort.removeprefix("-") not in SORT_FIELDS:
        raise validation_error(f"Invalid sort value: {sort}", path="sort")
    equals = {name: request.args[name] for name in EQUALITY_FILTERS if name in request.args}
    for name, allowed in ENUM_FILTERS.items():
        if name in equals and equals[name] not in allowed:
            message = f"Illegal value of parameter {name}: {equals[name]}"
            raise validation_error(message, path=name, status=400)
    return FormQuery(
        seller_id=current_seller(),
        offset=offset,
        limit=limit,
        sort=sort,
        ranges={
            "updated": (_time_arg("updatedAt.gte"), _time_arg("updatedAt.lte")),
            "bought": (_time_arg("lineItems.boughtAt.gte"), _time_arg("lineItems.boughtAt.lte")),
        },
        equals=equals,
    )


@bp.get("/order/checkout-forms/<id>")
def checkout_form(id: str) -> Response:
    """One order in full."""
    return json_response(get_state().form_for(current_seller(), id))


@bp.put("/order/checkout-forms/<id>/fulfillment")
def set_fulfillment(id: str) -> Response:
    """Set the seller's status; 204 with no body on success."""
    body = json_body()
    revision = request.args.get("checkoutForm.revision")
    get_state().set_fulfillment(current_seller(), id, body.get("status"), revision)
    response = Response(status=204)
    response.headers.remove("Content-Type")
    return response


@bp.get("/order/checkout-forms/<id>/shipments")
def shipments(id: str) -> Response:
    """Tracking numbers on the order."""
    return json_response(get_state().shipments_of(current_seller(), id))


@bp.post("/order/checkout-forms/<id>/shipments")
def add_shipment(id: str) -> Response:
    """Add a tracking number (not idempotent)."""
    return json_response(get_state().add_shipment(current_seller(), id, json_body()), 201)


@bp.get("/order/carriers")
def carriers() -> Response:
    """Carriers a tracking number can name."""
    response = json_response(carriers_payload())
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/order/carriers/<carrierId>/tracking")
def tracking(carrierId: str) -> Response:
    """Parcel tracking history of up to 20 waybills."""
    return json_response(tracking_payload(get_state(), carrierId, request.args.getlist("waybill")))
