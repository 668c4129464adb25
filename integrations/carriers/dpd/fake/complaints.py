"""The fake DPD's complaints: the AUTHORED JSON interface of integrations.carriers.dpd.complaints on the
shared ComplaintBook (`state.complaints`: ask_for / decide are the test handles)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Flask, Response, jsonify, request

from integrations.carriers.dpd.complaints import PATH
from integrations.carriers.dpd.wire import WARSAW
from integrations.carriers.fakekit import FakeComplaint
from integrations.carriers.fakekit.complaints import ACCEPTED, NEED_DOCUMENTS, PARTLY, PENDING, REJECTED

KINDS = ("DELAY", "LOSS", "DAMAGE", "SHORTAGE")
STATUS = {
    PENDING: "IN_PROGRESS",
    NEED_DOCUMENTS: "MISSING_DOCUMENTS",
    ACCEPTED: "ACCEPTED",
    PARTLY: "PARTIALLY_ACCEPTED",
    REJECTED: "REJECTED",
}


def _errors(status: int, *errors: tuple[str, str, str]) -> Response:
    body = {"errors": [{"code": c, "field": f, "userMessage": m} for c, f, m in errors], "traceId": "fake"}
    response = jsonify(body)
    response.status_code = status
    return response


def _authorized(state: Any) -> bool:
    auth = request.authorization
    if auth is None or auth.username not in state.accounts:
        return False
    password, fid = state.accounts[auth.username]
    return auth.password == password and request.headers.get("X-DPD-FID") == str(fid)


def shape(complaint: FakeComplaint) -> dict[str, Any]:
    def text(value: Decimal | None) -> str | None:
        return None if value is None else f"{value:.2f}"

    return {
        "complaintId": complaint.id,
        "externalId": complaint.key,
        "waybill": complaint.waybill,
        "type": complaint.kind,
        "status": STATUS[complaint.outcome],
        "receivedAt": _local(complaint.received_at),
        "message": complaint.message,
        "missingDocuments": [kind.upper() for kind in complaint.missing],
        "compensationAmount": text(complaint.compensation),
        "feeRefundAmount": text(complaint.fee_refund),
        "decisionDate": _local(complaint.decided_at) if complaint.decided_at else None,
    }


def _local(moment: dt.datetime) -> str:
    """Polish local time without an offset, as DPD gives times."""
    return moment.astimezone(WARSAW).replace(tzinfo=None).isoformat(timespec="seconds")


def _documents(items: Any) -> list[dict[str, Any]] | None:
    found = []
    for item in items if isinstance(items, list) else []:
        try:
            content = base64.b64decode(str(item.get("content") or ""), validate=True)
        except (binascii.Error, ValueError):
            return None
        if not item.get("fileName") or not content:
            return None
        found.append({"name": item["fileName"], "kind": str(item.get("type", "OTHER")).lower(),
                      "size": len(content), "description": item.get("description", "")})
    return found


def _amount(value: Any) -> Decimal | None:
    try:
        found = Decimal(str(value)) if value not in (None, "") else Decimal("0.00")
    except InvalidOperation:
        return None
    return found if found.is_finite() and found >= 0 else None


def register_complaints(app: Flask, state: Any) -> None:
    """The complaint routes on the fake DPD app."""

    @app.post(PATH)
    def file_complaint() -> Response:
        if not _authorized(state):
            return Response('{"status":"UNAUTHORIZED"}', status=401, content_type="application/json")
        body = request.get_json(silent=True) or {}
        problems = [
            ("REQUIRED", name, f"{name} is required")
            for name in ("externalId", "waybill", "description") if not str(body.get(name) or "").strip()
        ]
        if body.get("type") not in KINDS:
            problems.append(("INVALID_VALUE", "type", "type must be one of " + ", ".join(KINDS)))
        claimed, fee = _amount(body.get("claimedAmount")), _amount(body.get("carriageFee"))
        if claimed is None or fee is None:
            problems.append(("INVALID_VALUE", "claimedAmount", "amounts must be non-negative decimals"))
        files = _documents(body.get("attachments"))
        if files is None:
            text = "every attachment needs fileName and base64 content"
            problems.append(("INVALID_VALUE", "attachments", text))
        if problems:
            return _errors(400, *problems)
        complaint, created = state.complaints.file(
            str(body["externalId"]), waybill=str(body["waybill"]), kind=str(body["type"]).lower(),
            body={k: v for k, v in body.items() if k != "attachments"}, claimed=claimed,
            fee=fee if body.get("carriageFee") not in (None, "") else None, documents=files,
        )
        response = jsonify(shape(complaint))
        response.status_code = 201 if created else 200
        return response

    @app.get(f"{PATH}/<int:complaint_id>")
    def get_complaint(complaint_id: int) -> Response:
        if not _authorized(state):
            return Response('{"status":"UNAUTHORIZED"}', status=401, content_type="application/json")
        complaint = state.complaints.get(complaint_id)
        if complaint is None:
            return _errors(404, ("NOT_FOUND", "complaintId", "complaint not found"))
        return jsonify(shape(complaint))

    @app.post(f"{PATH}/<int:complaint_id>/attachments")
    def add_attachments(complaint_id: int) -> Response:
        if not _authorized(state):
            return Response('{"status":"UNAUTHORIZED"}', status=401, content_type="application/json")
        if state.complaints.get(complaint_id) is None:
            return _errors(404, ("NOT_FOUND", "complaintId", "complaint not found"))
        files = _documents((request.get_json(silent=True) or {}).get("attachments"))
        if not files:
            return _errors(400, ("INVALID_VALUE", "attachments", "no valid attachments"))
        return jsonify(shape(state.complaints.add_documents(complaint_id, files)))
