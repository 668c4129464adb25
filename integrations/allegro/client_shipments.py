"""AllegroClient methods for 'Wysyłam z Allegro' (`/shipment-management/*`), parcel tracking and
Allegro's drop-off points.

Every write there is a command: the caller generates the `commandId` and stores it *before*
sending, the POST answers 200 with an echo (not a success), and the outcome is read by polling the
status GET every Retry-After seconds (Allegro: at most 45 s of processing, AA#13860). Writes are
never retried here: after AllegroOutcomeUnknown or a 5xx, read the command's status with the same
id; a second POST with it gets 400 COMMAND_EXISTS. Labels and protocols answer
application/octet-stream, which must be the only Accept value (anything else gets 406); their
request body is still the vendor JSON type. Everything else speaks application/vnd.allegro.public.v1+json.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import requests

from integrations.allegro import _parse_shipments as parse
from integrations.allegro._http import PUBLIC_V1, Requester, json_object
from integrations.allegro.errors import AllegroOutcomeUnknown, AllegroResponseError, parse_retry_after
from integrations.allegro.models_shipments import (
    AllegroPoint,
    CommandReceipt,
    CommandStatus,
    DeliveryProposal,
    DeliveryService,
    ParcelTracking,
    PickupProposal,
    WzaPickup,
    WzaShipment,
)

BASE = "/shipment-management"
OCTET_STREAM = "application/octet-stream"
COMMAND_EXISTS = "COMMAND_EXISTS"  # 400 on a second POST with a commandId already used (AA#8573)
COMMAND_LIMIT_SECONDS = 45.0  # Allegro's own cap on processing a command (AA#13860)
DEFAULT_POLL_SECONDS = 1.0  # when a status comes without Retry-After
MAX_TRACKING_WAYBILLS = 20
MAX_PICKUP_SHIPMENTS = 100
# which id a status carries on SUCCESS, and where each kind of command lives
_KINDS = {
    "create": (f"{BASE}/shipments/create-commands", "shipmentId"),
    "cancel": (f"{BASE}/shipments/cancel-commands", "shipmentId"),
    "pickup": (f"{BASE}/pickups/create-commands", "pickupId"),
}


class CommandStillInProgress(AllegroOutcomeUnknown):
    """The command was still IN_PROGRESS when the wait ran out: its outcome is unknown. Read its
    status later with the same id; never send it again under a new id."""

    def __init__(self, status: CommandStatus, waited: float) -> None:
        self.status = status
        super().__init__(f"command {status.command_id} still {status.status} after {waited:.0f} s")


class ShipmentManagementMixin:
    """Mixed into AllegroClient; uses its `_http` requester."""

    _http: Requester

    # --- delivery options ---------------------------------------------------------------------

    def get_delivery_proposal(self, order_id: str) -> DeliveryProposal:
        """GET /shipment-management/delivery-proposals/{orderId}: a prefilled create input for the
        order and its delivery options with limits. BadRequest with code UNSUPPORTED_DELIVERY_METHOD
        means the order cannot be shipped with WzA (AA#13583)."""
        return parse.delivery_proposal(self._wza_get(f"{BASE}/delivery-proposals/{_id(order_id)}"))

    def list_delivery_services(self) -> list[DeliveryService]:
        """GET /shipment-management/delivery-services — **deprecated**, Allegro removes it in Q1 2027;
        use get_delivery_proposal(). The seller's delivery services and own agreements."""
        return parse.delivery_services(self._wza_get(f"{BASE}/delivery-services"))

    # --- commands -----------------------------------------------------------------------------

    def create_shipment_command(self, command_id: str, shipment_input: Mapping[str, Any]) -> CommandReceipt:
        """POST /shipment-management/shipments/create-commands with the caller's `command_id` (stored
        before this call) and a ShipmentCreateRequestDto. Never retried. The 200 only says the
        command was received: poll get_shipment_command(). BadRequest COMMAND_EXISTS: that id was
        received before, poll it."""
        return self._submit("create", command_id, dict(shipment_input))

    def get_shipment_command(self, command_id: str) -> CommandStatus:
        """GET /shipment-management/shipments/create-commands/{commandId}: IN_PROGRESS, SUCCESS (with
        the shipment id) or ERROR (with the errors, e.g. path receiver.email). NotFound: no command
        with that id was received."""
        return self._status("create", command_id)

    def cancel_shipment_command(self, command_id: str, shipment_id: str) -> CommandReceipt:
        """POST /shipment-management/shipments/cancel-commands: ask to cancel a shipment (never
        retried; poll get_cancel_command()). Impossible for carrier ALLEGRO and after handover."""
        return self._submit("cancel", command_id, {"shipmentId": shipment_id})

    def get_cancel_command(self, command_id: str) -> CommandStatus:
        """GET /shipment-management/shipments/cancel-commands/{commandId}."""
        return self._status("cancel", command_id)

    def create_pickup_command(
        self,
        command_id: str,
        shipment_ids: Sequence[str],
        address: Mapping[str, Any],
        pickup_time: Mapping[str, str],
    ) -> CommandReceipt:
        """POST /shipment-management/pickups/create-commands: order a courier for the shipments at
        `pickup_time` ({date, minTime, maxTime} exactly as proposed, AA#13237) to `address` (an
        AddressDto). Never retried; poll get_pickup_command()."""
        body = {
            "shipmentIds": _ids(shipment_ids, MAX_PICKUP_SHIPMENTS),
            "pickupTime": dict(pickup_time),
            "address": dict(address),
        }
        return self._submit("pickup", command_id, body)

    def get_pickup_command(self, command_id: str) -> CommandStatus:
        """GET /shipment-management/pickups/create-commands/{commandId} (pickupId and
        carrierPickupId on SUCCESS)."""
        return self._status("pickup", command_id)

    def wait_for_command(
        self,
        kind: str,
        command_id: str,
        *,
        sleep: Callable[[float], None] = time.sleep,
        limit: float = COMMAND_LIMIT_SECONDS,
    ) -> CommandStatus:
        """Poll a command ("create", "cancel" or "pickup") until SUCCESS or ERROR, waiting
        Retry-After seconds between reads. Raises CommandStillInProgress once `limit` seconds of
        waiting have passed (counted from the pauses, so an injected sleep makes it exact)."""
        waited = 0.0
        while True:
            status = self._status(kind, command_id)
            if status.done:
                return status
            if waited >= limit:
                raise CommandStillInProgress(status, waited)
            pause = min(status.retry_after or DEFAULT_POLL_SECONDS, limit - waited)
            sleep(pause)
            waited += pause

    # --- shipments, documents, pickups ---------------------------------------------------------

    def get_wza_shipment(self, shipment_id: str) -> WzaShipment:
        """GET /shipment-management/shipments/{shipmentId}: the shipment, its waybills and carrier."""
        return parse.shipment(self._wza_get(f"{BASE}/shipments/{_id(shipment_id)}"))

    def get_labels(
        self, shipment_ids: Sequence[str], *, page_size: str | None = None, cut_line: bool | None = None
    ) -> bytes | None:
        """POST /shipment-management/label: one document with the labels, in the format chosen at
        creation (PDF or ZPL; possibly a ZIP: sniff the bytes); None on 204 (no label for these
        shipments). `page_size` A4|A6 applies to PDF only. A read: retried like GETs."""
        body: dict[str, Any] = {"shipmentIds": _ids(shipment_ids)}
        if page_size is not None:
            body["pageSize"] = page_size
        if cut_line is not None:
            body["cutLine"] = cut_line
        return self._document(f"{BASE}/label", body)

    def get_protocol(self, shipment_ids: Sequence[str]) -> bytes | None:
        """POST /shipment-management/protocol: the handover protocol; None on 204, which is what
        carriers without protocols answer (Allegro One, InPost, UPS, Poczta Polska, AD methods)."""
        return self._document(f"{BASE}/protocol", {"shipmentIds": _ids(shipment_ids)})

    def get_pickup_proposals(
        self, shipment_ids: Sequence[str], address: Mapping[str, Any], ready_date: dt.date | None = None
    ) -> list[PickupProposal]:
        """POST /shipment-management/pickup-proposals: when a courier can come for each shipment
        (the answer is a JSON array). A read despite the POST: retried like GETs."""
        body: dict[str, Any] = {
            "shipmentIds": _ids(shipment_ids, MAX_PICKUP_SHIPMENTS),
            "address": dict(address),
        }
        if ready_date is not None:
            body["readyDate"] = ready_date.isoformat()  # a date, not a date-time (AA#10494)
        response = self._http.call("POST", f"{BASE}/pickup-proposals", body=body, retry=True)
        try:
            return parse.pickup_proposals(response.json())
        except ValueError as exc:
            raise AllegroResponseError("pickup-proposals: answer is not JSON") from exc

    def get_pickup(self, pickup_id: str) -> WzaPickup:
        """GET /shipment-management/pickups/{pickupId}."""
        return parse.pickup(self._wza_get(f"{BASE}/pickups/{_id(pickup_id)}"))

    # --- tracking and points ------------------------------------------------------------------

    def get_parcel_tracking(self, carrier_id: str, waybills: Sequence[str]) -> list[ParcelTracking]:
        """GET /order/carriers/{carrierId}/tracking: the histories of up to 20 waybills of one
        carrier (for WzA shipments the carrier is the shipment's `carrier`)."""
        chosen = _ids(waybills, MAX_TRACKING_WAYBILLS)
        params = [("waybill", w) for w in chosen]
        response = self._http.call("GET", f"/order/carriers/{_id(carrier_id)}/tracking", params=params)
        return parse.tracking(json_object(response))

    def list_allegro_points(self, carriers: Sequence[str] = ()) -> list[AllegroPoint]:
        """GET /order/carriers/ALLEGRO/points: Allegro's pickup and drop-off points, optionally of
        some carriers (UPS, ALLEGRO_ONE_KURIER, DPD). The whole list: filter by place locally."""
        params = [("carriers", c) for c in carriers]
        return parse.points(
            json_object(self._http.call("GET", "/order/carriers/ALLEGRO/points", params=params))
        )

    # --- helpers ------------------------------------------------------------------------------

    def _wza_get(self, path: str) -> Mapping[str, Any]:
        return json_object(self._http.call("GET", path))

    def _submit(self, kind: str, command_id: str, command_input: dict[str, Any]) -> CommandReceipt:
        if not command_id or not command_id.strip():
            raise ValueError("command_id is required: generate and store it before sending")
        path, _ = _KINDS[kind]
        body = {"commandId": command_id, "input": command_input}
        response = self._http.call("POST", path, body=body, retry=False)
        echoed = json_object(response).get("commandId")
        return CommandReceipt(
            echoed if isinstance(echoed, str) and echoed else command_id, _retry_after(response)
        )

    def _status(self, kind: str, command_id: str) -> CommandStatus:
        path, result_key = _KINDS[kind]
        response = self._http.call("GET", f"{path}/{_id(command_id)}")
        return parse.command_status(json_object(response), _retry_after(response), result_key)

    def _document(self, path: str, body: dict[str, Any]) -> bytes | None:
        data = json.dumps(body).encode()
        response = self._http.call_binary(
            "POST",
            self._http.api_url + path,
            accept=OCTET_STREAM,
            retry=True,
            data=data,
            content_type=PUBLIC_V1,
        )
        return None if response.status_code == 204 or not response.content else response.content


def _retry_after(response: requests.Response) -> float | None:
    return parse_retry_after(response.headers.get("Retry-After"))


def _id(value: str) -> str:
    if not value or not value.strip():
        raise ValueError("an id is required")
    return quote(value, safe="")


def _ids(values: Sequence[str], most: int | None = None) -> list[str]:
    if isinstance(values, str):
        raise ValueError("pass a sequence of ids, not a string")
    chosen = [v for v in values if v]
    if not chosen or (most is not None and len(chosen) > most):
        raise ValueError(f"between 1 and {most or 'any number of'} ids are required")
    return chosen
