"""InPost complaints over an AUTHORED ShipX-style JSON interface (no complaint API is in the references:
InPost takes complaints by web form). The shape below is what the fake serves; it must be checked with
InPost before go-live.

    POST /v1/organizations/{org}/complaints      file (201; the same external_id again: 200, the first one)
    GET  /v1/complaints/{id}                     status: received | documents_required | accepted |
                                                 partially_accepted | rejected
    POST /v1/complaints/{id}/attachments         further documents
Amounts are decimal strings in PLN, files base64 in `attachments[].content`.
"""

from __future__ import annotations

import base64
from typing import Any

from integrations.carriers.complaints import (
    ComplaintDocument,
    ComplaintFiling,
    ComplaintOutcome,
    ComplaintReceipt,
    ComplaintStatus,
    DocumentKind,
    attachment_list,
)
from integrations.carriers.errors import CarrierResponseError
from integrations.carriers.inpost.parse import _decimal, timestamp
from integrations.carriers.inpost.services import CARRIER

OUTCOMES = {
    "received": ComplaintOutcome.PENDING,
    "in_progress": ComplaintOutcome.PENDING,
    "documents_required": ComplaintOutcome.NEED_DOCUMENTS,
    "accepted": ComplaintOutcome.ACCEPTED,
    "partially_accepted": ComplaintOutcome.PARTLY_ACCEPTED,
    "rejected": ComplaintOutcome.REJECTED,
}


def documents_body(documents: tuple[ComplaintDocument, ...]) -> list[dict[str, Any]]:
    """Files as the interface takes them."""
    return [
        {
            "type": doc.kind.value,
            "file_name": doc.file_name,
            "content_type": doc.content_type,
            "description": doc.description,
            "content": base64.b64encode(doc.content).decode("ascii"),
        }
        for doc in documents
    ]


def filing_body(filing: ComplaintFiling) -> dict[str, Any]:
    """The complaint as POSTed."""
    optional = {
        "delivery_date": filing.delivered_on.isoformat() if filing.delivered_on else None,
        "declared_value": _text(filing.declared_value),
        "cod_amount": _text(filing.cod_amount),
        "carriage_fee": _text(filing.fee),
    }
    return {
        "external_id": filing.key,
        "shipment_id": int(filing.shipment_id) if filing.shipment_id.isdigit() else None,
        "tracking_number": filing.waybill,
        "type": filing.kind.value,
        "description": filing.description,
        "claimed_amount": _text(filing.claimed_amount),
        "sending_date": filing.posted_on.isoformat(),
        "claimant": {
            "name": filing.claimant.name, "email": filing.claimant.email, "phone": filing.claimant.phone
        },
        "bank_account": {"iban": filing.claimant.iban, "holder": filing.claimant.account_holder},
        "attachment_list": attachment_list(filing.documents),
        "attachments": documents_body(filing.documents),
        **{key: value for key, value in optional.items() if value is not None},
    }


def _text(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


def receipt(body: dict[str, Any]) -> ComplaintReceipt:
    """The answer to a filing."""
    try:
        return ComplaintReceipt(CARRIER, str(body["id"]), timestamp(body["received_at"]), str(body["status"]))
    except KeyError as exc:
        raise CarrierResponseError(f"complaint answer without {exc}", carrier=CARRIER, raw=body) from exc


def status(body: dict[str, Any]) -> ComplaintStatus:
    """A complaint's state; an unknown status word is read as still being considered."""
    raw = str(body.get("status", ""))
    missing = tuple(_kind(item) for item in body.get("required_documents") or ())
    decided = body.get("decided_at")
    return ComplaintStatus(
        carrier=CARRIER,
        complaint_id=str(body.get("id", "")),
        outcome=OUTCOMES.get(raw, ComplaintOutcome.PENDING),
        message=str(body.get("message") or ""),
        missing=missing,
        compensation=_decimal(body.get("compensation_amount")),
        fee_refund=_decimal(body.get("fee_refund_amount")),
        decided_at=timestamp(decided) if decided else None,
        raw_status=raw,
    )


def _kind(value: Any) -> DocumentKind:
    try:
        return DocumentKind(str(value))
    except ValueError:
        return DocumentKind.OTHER
