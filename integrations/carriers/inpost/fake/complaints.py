"""The fake ShipX's complaints: the AUTHORED JSON interface of integrations.carriers.inpost.complaints,
on the shared ComplaintBook (`state.complaints`: ask_for / decide are the test handles)."""

from __future__ import annotations

import base64
import binascii
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Flask, Response, jsonify

from integrations.carriers.fakekit import FakeComplaint
from integrations.carriers.fakekit.complaints import ACCEPTED, NEED_DOCUMENTS, PARTLY, PENDING, REJECTED
from integrations.carriers.inpost.fake.shapes import ShipXError

KINDS = ("delay", "loss", "damage", "shortage")
STATUS = {
    PENDING: "received",
    NEED_DOCUMENTS: "documents_required",
    ACCEPTED: "accepted",
    PARTLY: "partially_accepted",
    REJECTED: "rejected",
}


def shape(complaint: FakeComplaint) -> dict[str, Any]:
    """A complaint as the interface answers it."""
    return {
        "id": complaint.id,
        "external_id": complaint.key,
        "tracking_number": complaint.waybill,
        "type": complaint.kind,
        "status": STATUS[complaint.outcome],
        "received_at": complaint.received_at.isoformat(),
        "message": complaint.message,
        "required_documents": complaint.missing,
        "compensation_amount": _text(complaint.compensation),
        "fee_refund_amount": _text(complaint.fee_refund),
        "decided_at": complaint.decided_at.isoformat() if complaint.decided_at else None,
        "attachments": [{k: v for k, v in doc.items() if k != "content"} for doc in complaint.documents],
    }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _amount(body: dict[str, Any], name: str, details: dict[str, list[str]]) -> Decimal | None:
    raw = body.get(name)
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        details[name] = ["invalid"]
        return None
    if not value.is_finite() or value < 0:
        details[name] = ["invalid"]
    return value


def documents(items: Any, details: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Attachments as stored (name, kind, size); bad base64 or a missing name is a field error."""
    found = []
    for item in items if isinstance(items, list) else []:
        try:
            content = base64.b64decode(str(item.get("content") or ""), validate=True)
        except (binascii.Error, ValueError):
            details["attachments"] = ["invalid"]
            continue
        if not item.get("file_name") or not content:
            details["attachments"] = ["invalid"]
            continue
        found.append(
            {"name": item["file_name"], "kind": item.get("type", "other"), "size": len(content),
             "description": item.get("description", "")}
        )
    return found


def register_complaints(app: Flask, state: Any, authorize, json_body) -> None:
    """The complaint routes on the fake ShipX app."""

    @app.post("/v1/organizations/<int:org_id>/complaints")
    def file_complaint(org_id: int) -> Response:
        authorize(state, org_id)
        body = json_body()
        details: dict[str, list[str]] = {}
        if not str(body.get("tracking_number") or "").strip():
            details["tracking_number"] = ["required"]
        if body.get("type") not in KINDS:
            details["type"] = ["invalid"]
        if not str(body.get("description") or "").strip():
            details["description"] = ["required"]
        if not str(body.get("external_id") or "").strip():
            details["external_id"] = ["required"]
        claimed = _amount(body, "claimed_amount", details) or Decimal("0.00")
        fee = _amount(body, "carriage_fee", details)
        files = documents(body.get("attachments"), details)
        if details:
            raise ShipXError(400, "validation_failed", "There are some validation errors.", details)
        complaint, created = state.complaints.file(
            str(body["external_id"]), waybill=str(body["tracking_number"]), kind=body["type"],
            body={k: v for k, v in body.items() if k != "attachments"}, claimed=claimed, fee=fee,
            documents=files,
        )
        response = jsonify(shape(complaint))
        response.status_code = 201 if created else 200
        return response

    @app.get("/v1/complaints/<int:complaint_id>")
    def get_complaint(complaint_id: int) -> Response:
        authorize(state)
        return jsonify(shape(_found(state, complaint_id)))

    @app.post("/v1/complaints/<int:complaint_id>/attachments")
    def add_attachments(complaint_id: int) -> Response:
        authorize(state)
        complaint = _found(state, complaint_id)
        details: dict[str, list[str]] = {}
        files = documents(json_body().get("attachments"), details)
        if details or not files:
            found = details or {"attachments": ["required"]}
            raise ShipXError(400, "validation_failed", "No valid attachments.", found)
        return jsonify(shape(state.complaints.add_documents(complaint.id, files)))


def _found(state: Any, complaint_id: int) -> FakeComplaint:
    complaint = state.complaints.get(complaint_id)
    if complaint is None:
        raise ShipXError(404, "resource_not_found", "Complaint not found.")
    return complaint
