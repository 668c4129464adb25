"""The public ShipX endpoints (no token): points, tracking, statuses, services (digest §1.1)."""

from __future__ import annotations

from flask import Flask, Response, jsonify, request

from integrations.carriers import status
from integrations.carriers.inpost.fake import shapes
from integrations.carriers.inpost.fake.shapes import ShipXError
from integrations.carriers.inpost.fake.state import FakeInPostState
from integrations.carriers.inpost.services import SERVICES


def _per_page() -> int:
    raw = request.args.get("per_page", "25")
    if not raw.isdigit() or not 1 <= int(raw) <= 500:
        raise ShipXError(400, "invalid_parameter", "Invalid per_page.", {"per_page": ["invalid"]})
    return int(raw)


def register_public(app: Flask, state: FakeInPostState) -> None:
    """Register the routes that need no token."""

    @app.get("/v1/points")
    def points() -> Response:
        per_page = _per_page()
        items = sorted(state.points.values(), key=lambda p: p["name"])
        post_code, city = request.args.get("post_code", ""), request.args.get("city", "").lower()
        kind, name = request.args.get("type", ""), request.args.get("name", "")
        if post_code:
            items = [p for p in items if p["address_details"]["post_code"] == post_code]
        if city:
            items = [p for p in items if p["address_details"]["city"].lower() == city]
        if kind:
            items = [p for p in items if any(t.startswith(kind) for t in p["type"])]
        if name:
            items = [p for p in items if p["name"] == name]
        total = len(items)
        return jsonify(
            {
                "href": request.path,
                "count": total,
                "page": 1,
                "per_page": per_page,
                "total_pages": max(1, -(-total // per_page)),
                "items": items[:per_page],
            }
        )

    @app.get("/v1/tracking/<number>")
    def tracking(number: str) -> Response:
        shipment = state.by_tracking(number)
        if shipment is None:
            raise ShipXError(404, "resource_not_found", "Tracking number not found.")
        return jsonify(shapes.tracking(shipment))

    @app.get("/v1/statuses")
    def statuses() -> Response:
        lang = request.args.get("lang", "pl_PL")
        if lang not in ("pl_PL", "en_GB"):
            raise ShipXError(400, "invalid_parameter", "Invalid lang.", {"lang": ["invalid"]})
        items = [
            {"name": code, "title": code.replace("_", " "), "description": ""}
            for code in status.codes("inpost")
        ]
        return jsonify({"href": request.path, "items": items})

    @app.get("/v1/services")
    def services() -> Response:
        return jsonify(
            [
                {
                    "id": s.code,
                    "name": s.name,
                    "description": "",
                    "additional_services": list(s.additional_services),
                }
                for s in SERVICES
            ]
        )
