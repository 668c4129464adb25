"""'Wysyłam z Allegro' endpoints (`/shipment-management/*`) and Allegro's drop-off points.

The three command POSTs answer 200 with the echoed command and a Retry-After; spec errors of a
parseable body were set aside by the gate (`g.deferred_violations`) and end the command with ERROR
in its status, as Allegro reports them. Labels and protocols answer application/octet-stream.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, request

from integrations.allegro.fake.context import current_seller, get_state, json_body
from integrations.allegro.fake.errors import ApiError
from integrations.allegro.fake.responses import json_response
from integrations.allegro.fake.state.shipment_management import CANCEL, CREATE, PICKUP
from integrations.allegro.fake.state.shipment_management_rules import command_error

bp = Blueprint("shipment_management", __name__)
BASE = "/shipment-management"
RETRY_AFTER = "1"  # seconds; Allegro sends 1-2 (AA#13860)
OCTET_STREAM = "application/octet-stream"


def _with_retry_after(response: Response) -> Response:
    response.headers["Retry-After"] = RETRY_AFTER
    return response


def _deferred() -> list[dict[str, Any]]:
    return [command_error("VALIDATION_ERROR", v.message, v.path) for v in g.get("deferred_violations", [])]


def _submit(kind: str) -> Response:
    echo = get_state().submit_command(current_seller(), kind, json_body(), _deferred())
    return _with_retry_after(json_response(echo))


def _status(kind: str, command_id: str) -> Response:
    try:
        status = get_state().command_status(current_seller(), kind, command_id)
    except ApiError as error:
        if error.status == 404:
            return Response(status=404)  # the spec declares this 404 without a body
        raise
    response = json_response(status)
    return _with_retry_after(response) if status["status"] == "IN_PROGRESS" else response


@bp.get(f"{BASE}/delivery-proposals/<orderId>")
def delivery_proposals(orderId: str) -> Response:  # noqa: N803 - the spec's parameter name
    """A prefilled create body and the delivery options of one order."""
    return json_response(get_state().delivery_proposal(current_seller(), orderId))


@bp.get(f"{BASE}/delivery-services")
def delivery_services() -> Response:
    """Deprecated (removal Q1 2027): the seller's delivery services."""
    return json_response(get_state().delivery_services())


@bp.post(f"{BASE}/shipments/create-commands")
def create_shipment() -> Response:
    """Accept a shipment create command."""
    return _submit(CREATE)


@bp.get(f"{BASE}/shipments/create-commands/<commandId>")
def create_shipment_status(commandId: str) -> Response:  # noqa: N803
    """IN_PROGRESS, then SUCCESS with shipmentId or ERROR with errors."""
    return _status(CREATE, commandId)


@bp.post(f"{BASE}/shipments/cancel-commands")
def cancel_shipment() -> Response:
    """Accept a shipment cancel command."""
    return _submit(CANCEL)


@bp.get(f"{BASE}/shipments/cancel-commands/<commandId>")
def cancel_shipment_status(commandId: str) -> Response:  # noqa: N803
    """The cancel command's status."""
    return _status(CANCEL, commandId)


@bp.get(f"{BASE}/shipments/<shipmentId>")
def shipment(shipmentId: str) -> Response:  # noqa: N803
    """One shipment's details."""
    return json_response(get_state().shipment_for(current_seller(), shipmentId))


@bp.post(f"{BASE}/label")
def label() -> Response:
    """The labels of the shipments (PDF or ZPL, as created); 204 when there is none."""
    content = get_state().labels(current_seller(), json_body())
    return Response(status=204) if content is None else Response(content, mimetype=OCTET_STREAM)


@bp.post(f"{BASE}/protocol")
def protocol() -> Response:
    """The handover protocol; 204 for carriers that have none."""
    content = get_state().protocol(current_seller(), json_body())
    return Response(status=204) if content is None else Response(content, mimetype=OCTET_STREAM)


@bp.post(f"{BASE}/pickup-proposals")
def pickup_proposals() -> Response:
    """When a courier can come for the shipments (a JSON array)."""
    return json_response(get_state().pickup_proposals(current_seller(), json_body()))


@bp.post(f"{BASE}/pickups/create-commands")
def create_pickup() -> Response:
    """Accept a pickup create command."""
    return _submit(PICKUP)


@bp.get(f"{BASE}/pickups/create-commands/<commandId>")
def create_pickup_status(commandId: str) -> Response:  # noqa: N803
    """The pickup command's status (pickupId and carrierPickupId on SUCCESS)."""
    return _status(PICKUP, commandId)


@bp.get(f"{BASE}/pickups/<pickupId>")
def pickup(pickupId: str) -> Response:  # noqa: N803
    """One pickup's details."""
    return json_response(get_state().pickup_for(current_seller(), pickupId))


@bp.get("/order/carriers/ALLEGRO/points")
def allegro_points() -> Response:
    """Allegro's pickup and drop-off points (user or application token)."""
    return json_response(get_state().points_payload(request.args.getlist("carriers")))
