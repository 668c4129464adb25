"""'Wysyłam z Allegro' (`/shipment-management`): commands, shipments, cancellation, labels, protocols.

Every write is a command: the POST stores it and echoes it (HTTP 200), its effect happens later
and is read from the status GET (IN_PROGRESS -> SUCCESS | ERROR). A command is processed once the
fake's clock has moved `wza_processing` past its arrival, or when a test calls
`advance_commands()`; with `wza_processing = None` commands wait for that call (a stuck command).
A created shipment's waybill is added to its order (found by the receiver's Allegro e-mail
alias), as Allegro does, so `/order/carriers/{carrierId}/tracking` serves it.
"""
from __future__ import annotations

import datetime as dt
import io
import threading
import zipfile
from collections.abc import Callable, Iterable
from typing import Any

from integrations.allegro.fake.errors import ApiError
from integrations.allegro.fake.state import data as fake_data
from integrations.allegro.fake.state import shipment_management_rules as rules
from integrations.allegro.fake.state.form_factory import make_buyer, make_delivery, new_uuid
from integrations.allegro.fake.state.shipment_management_pickups import PickupsMixin
from integrations.allegro.fake.timeutil import iso
from integrations.carriers.fakekit import LabelData, render_pdf, render_protocol_pdf, render_zpl

CREATE, CANCEL, PICKUP = "create", "cancel", "pickup"
_RESULT_KEY = {CREATE: "shipmentId", CANCEL: "shipmentId", PICKUP: "pickupId"}


class ShipmentManagementMixin(PickupsMixin):
    """The WzA part of FakeAllegroState, with its test handles."""

    _lock: threading.RLock
    now: Callable[[], dt.datetime]
    rng: Any
    checkout_forms: dict[str, dict[str, Any]]
    _owner: Callable[[str], str]
    add_shipment: Callable[[str, str, dict[str, Any]], dict[str, Any]]
    add_checkout_form: Callable[..., dict[str, Any]]

    def _init_shipment_management(self) -> None:
        self.wza_commands: dict[str, dict[str, Any]] = {}
        self.wza_shipments: dict[str, dict[str, Any]] = {}
        self.wza_processing: dt.timedelta | None = dt.timedelta(seconds=1)
        self.wza_tracking: dict[str, list[dict[str, Any]]] = {}
        self._init_pickups()

    # -- test handles ------------------------------------------------------------------------------

    def add_wza_order(self, seller_id: str, method: str = "Allegro Kurier DPD") -> dict[str, Any]:
        """An order of the seller delivered by the named method of state/data.py ("Allegro Kurier DPD
        pobranie" is cash on delivery, "Allegro Paczkomaty InPost" goes to a locker)."""
        chosen = next(
            m for m in fake_data.DELIVERY_METHODS + fake_data.CASH_ON_DELIVERY_METHODS if m.name == method
        )
        with self._lock:
            buyer = make_buyer(self.rng)
            delivery = make_delivery(self.rng, buyer, chosen, self.now())
            return self.add_checkout_form(seller_id, buyer=buyer, delivery=delivery)

    def advance_commands(self) -> None:
        """Process every waiting command now, whatever the clock says."""
        with self._lock:
            for command in self.wza_commands.values():
                self._settle(command, force=True)

    def fail_command(self, command_id: str, errors: Iterable[tuple[str, str, str | None]]) -> None:
        """End a waiting command with ERROR and these (code, message, path) errors."""
        with self._lock:
            command = self.wza_commands[command_id]
            if command["status"] != "IN_PROGRESS":
                raise ValueError(f"command {command_id} is already {command['status']}")
            command.update(status="ERROR", errors=[rules.command_error(*e) for e in errors])

    def hand_over(self, shipment_id: str) -> None:
        """The courier collected the parcel (or it went into a locker): no cancelling any more."""
        with self._lock:
            self.wza_shipments[shipment_id]["handed_over"] = True

    def sent_commands(self, kind: str | None = None) -> list[dict[str, Any]]:
        """The bodies of the commands received (`kind`: create, cancel, pickup), oldest first."""
        with self._lock:
            return [c["body"] for c in self.wza_commands.values() if kind in (None, c["kind"])]

    def wza_shipment(self, shipment_id: str) -> dict[str, Any]:
        """The stored ShipmentDto of a shipment."""
        with self._lock:
            return self.wza_shipments[shipment_id]["payload"]

    def add_tracking_status(
        self, waybill: str, code: str, *, at: dt.datetime | None = None, description: str = ""
    ) -> None:
        """Append a tracking status (any code) to a waybill; the tracking GET serves these instead of
        the fake's usual journey once a waybill has one."""
        entry = {"occurredAt": iso(at or self.now()), "code": code}
        if description:
            entry["description"] = description
        with self._lock:
            self.wza_tracking.setdefault(waybill, []).append(entry)

    # -- commands ----------------------------------------------------------------------------------

    def submit_command(
        self, seller_id: str, kind: str, body: dict[str, Any], violations: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """POST .../create-commands or cancel-commands: store and echo; `violations` (spec errors of
        a parseable body) end the command with ERROR when it is processed, not now."""
        with self._lock:
            command_id = body.get("commandId") or new_uuid(self.rng)
            if command_id in self.wza_commands:
                raise ApiError(400, "COMMAND_EXISTS", f"Command {command_id} already exists",
                               path="commandId")
            self.wza_commands[command_id] = {
                "id": command_id, "kind": kind, "seller": seller_id, "body": body,
                "status": "IN_PROGRESS", "errors": list(violations), "result": {},
                "arrived": self.now(),
            }
            return {"commandId": command_id, "input": body.get("input")}

    def command_status(self, seller_id: str, kind: str, command_id: str) -> dict[str, Any]:
        """The status GET; 404 (no body) for unknown commands and other sellers' commands."""
        with self._lock:
            command = self.wza_commands.get(command_id)
            if command is None or command["seller"] != seller_id or command["kind"] != kind:
                raise ApiError(404, "", "")
            self._settle(command)
            status: dict[str, Any] = {"commandId": command_id, "status": command["status"]}
            if command["status"] == "ERROR":
                status["errors"] = command["errors"]
            if command["status"] == "SUCCESS":
                status.update(command["result"])
            return status

    def _settle(self, command: dict[str, Any], *, force: bool = False) -> None:
        if command["status"] != "IN_PROGRESS":
            return
        due = self.wza_processing is not None and self.now() >= command["arrived"] + self.wza_processing
        if not (force or due):
            return
        if command["errors"]:
            command["status"] = "ERROR"
            return
        execute = {CREATE: self._execute_create, CANCEL: self._execute_cancel, PICKUP: self._execute_pickup}
        errors, result = execute[command["kind"]](command["seller"], command["body"].get("input") or {})
        command.update(status="ERROR" if errors else "SUCCESS", errors=errors, result=result)

    def _execute_create(self, seller_id: str, data: dict[str, Any]) -> tuple[list, dict]:
        email = (data.get("receiver") or {}).get("email")
        form = self._order_of_buyer(seller_id, email)
        if form is None:
            return [rules.command_error("VALIDATION_FAILED", "Selected order can not be used",
                                        "receiver.email")], {}
        carrier = rules.carrier_of_method(form["delivery"]["method"]["name"])
        if carrier is None:
            return [rules.command_error("UNSUPPORTED_DELIVERY_METHOD",
                                        "Delivery method is not supported", None)], {}
        errors = rules.shipment_errors({"input": data}, carrier)
        if errors:
            return errors, {}
        shipment_id = new_uuid(self.rng)
        waybills = [rules.waybill_for(carrier, self.rng) for _ in data["packages"]]
        payload = rules.shipment_payload(shipment_id, data, carrier, waybills, self.now(), iso)
        self.wza_shipments[shipment_id] = {
            "payload": payload, "seller": seller_id, "order_id": form["id"], "handed_over": False,
        }
        for waybill in waybills:  # Allegro adds the tracking number to the order itself (AA#3601)
            self.add_shipment(seller_id, form["id"], {"carrierId": carrier, "waybill": waybill})
        return [], {"shipmentId": shipment_id}

    def _execute_cancel(self, seller_id: str, data: dict[str, Any]) -> tuple[list, dict]:
        shipment_id = data.get("shipmentId")
        stored = self.wza_shipments.get(shipment_id or "")
        if stored is None or stored["seller"] != seller_id:
            return [rules.command_error("NOT_FOUND", "Shipment not found", "shipmentId")], {}
        payload = stored["payload"]
        if payload["carrier"] in rules.NOT_CANCELLABLE:
            return [rules.command_error("SHIPMENT_CANCELLATION_NOT_SUPPORTED",
                                        "Shipment cancellation is not supported", "shipmentId")], {}
        if stored["handed_over"]:
            return [rules.command_error("PROCESSING_ERROR",
                                        "Shipment was already handed over to the carrier", "shipmentId")], {}
        payload.setdefault("canceledDate", iso(self.now()))  # cancelling twice changes nothing
        return [], {"shipmentId": shipment_id}

    def _order_of_buyer(self, seller_id: str, email: Any) -> dict[str, Any] | None:
        for form_id, form in self.checkout_forms.items():
            if (form.get("buyer") or {}).get("email") == email and self._owner(form_id) == seller_id:
                return form
        return None

    # -- reads -------------------------------------------------------------------------------------

    def shipment_for(self, seller_id: str, shipment_id: str) -> dict[str, Any]:
        """GET shipments/{id}: the ShipmentDto, or 404."""
        with self._lock:
            stored = self.wza_shipments.get(shipment_id)
            if stored is None or stored["seller"] != seller_id:
                raise ApiError(404, "NOT_FOUND", f"Shipment {shipment_id} not found")
            return stored["payload"]

    def labels(self, seller_id: str, body: dict[str, Any]) -> bytes | None:
        """POST label: one document (PDF or ZPL; a ZIP when both kinds are asked for at once);
        None (204) when none of the shipments has a label any more (all cancelled)."""
        with self._lock:
            shipments = [self.shipment_for(seller_id, sid) for sid in body.get("shipmentIds") or []]
        live = [s for s in shipments if "canceledDate" not in s]
        if not live:
            return None
        pdf = [_label_data(s, p, i) for s in live if s["labelFormat"] == "PDF"
               for i, p in enumerate(s["packages"])]
        zpl = [_label_data(s, p, i) for s in live if s["labelFormat"] != "PDF"
               for i, p in enumerate(s["packages"])]
        documents = []
        if pdf:
            documents.append(("labels.pdf", render_pdf(pdf, body.get("pageSize") or "A4")))
        if zpl:
            documents.append(("labels.zpl", render_zpl(zpl).encode()))
        if len(documents) == 1:
            return documents[0][1]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, content in documents:
                archive.writestr(name, content)
        return buffer.getvalue()

    def protocol(self, seller_id: str, body: dict[str, Any]) -> bytes | None:
        """POST protocol: an A4 handover list; None (204) when a carrier of the batch has none."""
        with self._lock:
            shipments = [self.shipment_for(seller_id, sid) for sid in body.get("shipmentIds") or []]
            day = self.now().date().isoformat()
        if any(s["carrier"] in rules.NO_PROTOCOL for s in shipments):
            return None
        rows = [(p["waybill"], s["receiver"].get("name") or s["receiver"].get("company") or "",
                 s.get("referenceNumber") or "") for s in shipments for p in s["packages"]]
        return render_protocol_pdf(shipments[0]["carrier"], "Protokół przekazania", rows, day=day)


def _label_data(shipment: dict[str, Any], package: dict[str, Any], index: int) -> LabelData:
    def lines(address: dict[str, Any]) -> tuple[str, ...]:
        name = address.get("name") or address.get("company") or ""
        return (name, address.get("street", ""), f"{address.get('postalCode', '')} {address.get('city', '')}")

    cod = shipment.get("cashOnDelivery")
    return LabelData(
        carrier=shipment["carrier"],
        waybill=package["waybill"],
        service="Wysyłam z Allegro",
        sender=lines(shipment["sender"]),
        receiver=lines(shipment["receiver"]),
        reference=shipment.get("referenceNumber", ""),
        cod=f"COD {cod['amount']} {cod['currency']}" if cod else "",
        point=shipment["receiver"].get("point", ""),
        parcel=f"{index + 1}/{len(shipment['packages'])}",
        weight=f"{package['weight']['value']} kg",
    )
