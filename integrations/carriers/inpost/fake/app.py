"""The fake ShipX as a Flask app: organization-scoped shipments and dispatch orders behind a bearer
token, public points/tracking/statuses/services, ShipX's error bodies, the shared FakeHarness."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from integrations.carriers.fakekit import render_pdf, render_protocol_pdf, render_zpl
from integrations.carriers.inpost.fake import processing, shapes
from integrations.carriers.inpost.fake.complaints import register_complaints
from integrations.carriers.inpost.fake.public import register_public
from integrations.carriers.inpost.fake.shapes import ShipXError
from integrations.carriers.inpost.fake.state import FakeInPostState
from integrations.carriers.inpost.fake.validation import shipment_details

PRE_PURCHASE = ("created", "offers_prepared", "offer_selected")
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def route_name() -> str:
    """The harness's route name "METHOD /template", e.g. "POST /v1/organizations/{org_id}/shipments"."""
    rule = request.url_rule.rule if request.url_rule is not None else request.path
    template = _CONVERTER.sub(r"{\1}", rule)
    return f"{request.method} {template}"


def create_app(state: FakeInPostState) -> Flask:
    """The fake around `state`; its harness (state.harness) logs requests and injects faults."""
    app = Flask(__name__, static_folder=None)
    state.harness.route_of = route_name
    state.harness.install(app)
    _register_shipments(app, state)
    _register_documents(app, state)
    _register_dispatch(app, state)
    register_public(app, state)
    register_complaints(app, state, authorize, json_body)

    @app.errorhandler(ShipXError)
    def shipx_error(error: ShipXError) -> Response:
        return error.response()

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        key = "resource_not_found" if status == 404 else "invalid_request"
        return ShipXError(status, key, error.description or "error").response()

    return app


def authorize(state: FakeInPostState, org_id: int | None = None) -> None:
    """Bearer token check (401), and the organization of the path must be the token's (403)."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or header[7:] not in state.tokens:
        raise ShipXError(401, "token_invalid", "Access token is invalid or missing.")
    if org_id is not None and org_id != state.organization_id:
        raise ShipXError(403, "forbidden", "You are not allowed to access this organization.")


def json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ShipXError(400, "invalid_parameter", "Body must be a JSON object.")
    return body


def int_arg(name: str, default: int, *, low: int = 1, high: int = 1000) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ShipXError(400, "invalid_parameter", f"Invalid {name}.", {name: ["invalid"]})
    return int(raw)


def found(state: FakeInPostState, shipment_id: int):
    shipment = state.shipment(shipment_id)
    if shipment is None or shipment.organization_id != state.organization_id:
        raise ShipXError(404, "resource_not_found", "Shipment not found.")
    return shipment


def _register_shipments(app: Flask, state: FakeInPostState) -> None:
    @app.post("/v1/organizations/<int:org_id>/shipments")
    def create_shipment(org_id: int) -> Response:
        authorize(state, org_id)
        body = json_body()
        details = shipment_details(body, lambda name: name in state.points)
        if details:
            raise ShipXError(400, "validation_failed", "There are some validation errors.", details)
        response = jsonify(shapes.shipment(state.create_shipment(org_id, body)))
        response.status_code = 201
        return response

    @app.get("/v1/organizations/<int:org_id>/shipments")
    def list_shipments(org_id: int) -> Response:
        authorize(state, org_id)
        page, per_page = int_arg("page", 1, high=10**6), int_arg("per_page", 25, high=100)
        items = sorted(state.shipments.values(), key=lambda s: s.id, reverse=True)  # newest first
        names = ("external_customer_id", "status", "tracking_number", "reference")
        for name in names if state.filter_by_customer_id else names[1:]:
            if value := request.args.get(name):
                items = [s for s in items if str(shapes.shipment(s).get(name) or "") == value]
        total = len(items)
        chosen = [
            shapes.shipment(state.shipment(s.id)) for s in items[(page - 1) * per_page : page * per_page]
        ]
        pages = max(1, -(-total // per_page))
        return jsonify(
            {
                "href": request.path,
                "count": total,
                "page": page,
                "per_page": per_page,
                "total_pages": pages,
                "items": chosen,
            }
        )

    @app.get("/v1/shipments/<int:shipment_id>")
    def get_shipment(shipment_id: int) -> Response:
        authorize(state)
        shipment = found(state, shipment_id)
        body = shapes.shipment(shipment)  # this GET shows the state before it moves the processing
        state.count_get(shipment)
        return jsonify(body)

    @app.post("/v1/shipments/<int:shipment_id>/buy")
    def buy(shipment_id: int) -> Response:
        authorize(state)
        shipment = found(state, shipment_id)
        offer_id = json_body().get("offer_id")
        offer = next((o for o in shipment.offers if o["id"] == offer_id), None)
        if offer is None:
            raise ShipXError(400, "validation_failed", "Offer not found.", {"offer_id": ["does_not_exist"]})
        with state.lock:
            if shipment.status != "offers_prepared" or offer["status"] != "available":
                raise ShipXError(400, "invalid_action", "Offer cannot be bought now.")
            processing.buy(shipment, offer_id, state.now())
        return jsonify(shapes.shipment(shipment))

    @app.delete("/v1/shipments/<int:shipment_id>")
    def cancel(shipment_id: int) -> Response:
        authorize(state)
        shipment = found(state, shipment_id)
        with state.lock:
            if shipment.status not in PRE_PURCHASE:
                raise ShipXError(400, "invalid_action", "Shipment cannot be cancelled in its status.")
            state.add_event(shipment.id, "canceled")
        return Response(status=204)


def _document(labels: list, fmt: str, kind: str) -> Response:
    if fmt.lower() == "zpl":
        return Response(render_zpl(labels).encode(), content_type="application/octet-stream")
    size = "A4" if kind == "normal" else "A6"
    return Response(render_pdf(labels, size=size), content_type="application/pdf")


def _label_args(fmt: str, kind: str) -> None:
    if fmt.lower() not in ("pdf", "zpl", "epl"):
        raise ShipXError(400, "invalid_parameter", "Invalid format.", {"format": ["invalid"]})
    if kind not in ("normal", "A6"):
        raise ShipXError(400, "invalid_parameter", "Invalid type.", {"type": ["invalid"]})


def _printable(state: FakeInPostState, ids: list[Any]):
    shipments = []
    for shipment_id in ids:
        shipment = found(state, int(shipment_id)) if str(shipment_id).isdigit() else None
        if shipment is None:
            raise ShipXError(404, "resource_not_found", f"Shipment {shipment_id} not found.")
        if shipment.status in PRE_PURCHASE or shipment.status == "canceled":
            raise ShipXError(400, "invalid_action", f"Shipment {shipment_id} has no label yet.")
        shipments.append(shipment)
    return shipments


def _register_documents(app: Flask, state: FakeInPostState) -> None:
    @app.get("/v1/shipments/<int:shipment_id>/label")
    def label(shipment_id: int) -> Response:
        authorize(state)
        fmt, kind = request.args.get("format", "Pdf"), request.args.get("type", "normal")
        _label_args(fmt, kind)
        (shipment,) = _printable(state, [shipment_id])
        return _document(shapes.label_data(shipment), fmt, kind)

    @app.post("/v1/organizations/<int:org_id>/shipments/labels")
    def bulk_labels(org_id: int) -> Response:
        authorize(state, org_id)
        body = json_body()
        fmt, kind, ids = body.get("format", "Pdf"), body.get("type", "normal"), body.get("shipment_ids")
        _label_args(fmt, kind)
        if not isinstance(ids, list) or not ids:
            raise ShipXError(400, "validation_failed", "No shipments.", {"shipment_ids": ["required"]})
        labels = [data for shipment in _printable(state, ids) for data in shapes.label_data(shipment)]
        return _document(labels, fmt, kind)

    @app.get("/v1/organizations/<int:org_id>/dispatch_orders/printouts")
    def printouts(org_id: int) -> Response:
        authorize(state, org_id)
        ids = request.args.getlist("shipment_ids[]")
        if not ids:
            raise ShipXError(400, "invalid_parameter", "No shipments.", {"shipment_ids": ["required"]})
        rows = [
            (s.tracking_number, shapes._lines(s.body.get("receiver"))[0], str(s.body.get("reference") or ""))
            for s in _printable(state, ids)
        ]
        pdf = render_protocol_pdf("inpost", "Potwierdzenie nadania", rows, day=state.now().date().isoformat())
        return Response(pdf, content_type="application/pdf")


def _register_dispatch(app: Flask, state: FakeInPostState) -> None:
    @app.post("/v1/organizations/<int:org_id>/dispatch_orders")
    def create_dispatch(org_id: int) -> Response:
        authorize(state, org_id)
        body = json_body()
        ids = body.get("shipments")
        details: dict[str, Any] = {}
        if not isinstance(ids, list) or not ids:
            details["shipments"] = ["required"]
        else:
            _printable(state, ids)
        if not body.get("dispatch_point_id") and not body.get("address"):
            details["address"] = ["required"]
        if details:
            raise ShipXError(400, "validation_failed", "There are some validation errors.", details)
        order = state.create_dispatch_order(org_id, body)
        response = jsonify({k: v for k, v in order.items() if k not in ("gets", "organization_id")})
        response.status_code = 201
        return response

    @app.get("/v1/organizations/<int:org_id>/dispatch_orders")
    def list_dispatch(org_id: int) -> Response:
        authorize(state, org_id)
        page, per_page = int_arg("page", 1, high=10**6), int_arg("per_page", 25, high=100)
        mine = [o for o in state.dispatch_orders.values() if o["organization_id"] == org_id]
        items = sorted(mine, key=lambda o: o["id"], reverse=True)  # newest first
        chosen = [
            {k: v for k, v in o.items() if k not in ("gets", "organization_id")}
            for o in items[(page - 1) * per_page : page * per_page]
        ]
        return jsonify(
            {
                "href": request.path,
                "count": len(items),
                "page": page,
                "per_page": per_page,
                "total_pages": max(1, -(-len(items) // per_page)),
                "items": chosen,
            }
        )

    @app.get("/v1/dispatch_orders/<int:order_id>")
    def get_dispatch(order_id: int) -> Response:
        authorize(state)
        order = state.dispatch_orders.get(order_id)
        if order is None:
            raise ShipXError(404, "resource_not_found", "Dispatch order not found.")
        body = {k: v for k, v in order.items() if k not in ("gets", "organization_id")}
        state.count_dispatch_get(order)
        return jsonify(body)

    @app.get("/v1/organizations/<int:org_id>/dispatch_points")
    def dispatch_points(org_id: int) -> Response:
        authorize(state, org_id)
        items = [
            {"id": order["id"], "name": "Punkt odbioru", "status": "activated", "address": order["address"]}
            for order in state.dispatch_orders.values()
        ]
        return jsonify(
            {"count": len(items), "page": 1, "per_page": len(items) or 25, "total_pages": 1, "items": items}
        )
