"""DPD complaints over an AUTHORED JSON interface in the style of DPDServices REST (digest §2.10:
`/public/...` paths, HTTP Basic with `X-DPD-FID`, `{errors:[{code, userMessage, field}]}`). DPD takes
complaints by web form or letter (dpd.com.pl "Reklamacje"); no complaint API is in the references, so the
paths and fields here are what the fake serves and must be replaced or confirmed with DPD before go-live.

    POST /public/complaint/v1/complaints                  201 (the same externalId again: 200, the first)
    GET  /public/complaint/v1/complaints/{complaintId}    status NEW | IN_PROGRESS | MISSING_DOCUMENTS |
                                                          ACCEPTED | PARTIALLY_ACCEPTED | REJECTED
    POST /public/complaint/v1/complaints/{complaintId}/attachments
"""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import requests

from integrations.carriers import transport
from integrations.carriers.checks import problem
from integrations.carriers.complaints import (
    ComplaintDocument,
    ComplaintFiling,
    ComplaintOutcome,
    ComplaintReceipt,
    ComplaintStatus,
    DocumentKind,
    attachment_list,
)
from integrations.carriers.dpd.wire import WARSAW
from integrations.carriers.errors import (
    CarrierError,
    CarrierNotFound,
    CarrierRefused,
    CarrierResponseError,
    CarrierValidationError,
)

CARRIER = "dpd"
PATH = "/public/complaint/v1/complaints"
OUTCOMES = {
    "NEW": ComplaintOutcome.PENDING,
    "IN_PROGRESS": ComplaintOutcome.PENDING,
    "MISSING_DOCUMENTS": ComplaintOutcome.NEED_DOCUMENTS,
    "ACCEPTED": ComplaintOutcome.ACCEPTED,
    "PARTIALLY_ACCEPTED": ComplaintOutcome.PARTLY_ACCEPTED,
    "REJECTED": ComplaintOutcome.REJECTED,
}


class DpdComplaintsClient:
    """The complaint endpoints at `services_url` (DPDServices' host), with the account's credentials."""

    def __init__(
        self, services_url: str, login: str, password: str, master_fid: int, *,
        session: requests.Session | None = None,
        timeout: float | tuple[float, float] = transport.DEFAULT_TIMEOUT,
    ) -> None:
        self.url = services_url.rstrip("/") + PATH
        self.session = session or requests.Session()
        self.timeout = timeout
        self._auth = (login, password)
        self._headers = {"X-DPD-FID": str(master_fid), "Accept": "application/json"}

    def _json(self, method: str, url: str, *, write: bool, body: Any = None) -> dict[str, Any]:
        def send() -> requests.Response:
            return self.session.request(
                method, url, json=body, auth=self._auth, headers=self._headers, timeout=self.timeout
            )

        response = transport.call(send, carrier=CARRIER, write=write)
        if response.status_code >= 400:
            raise error_of(response)
        try:
            found = response.json()
        except ValueError as exc:
            raw = response.text[:500]
            raise CarrierResponseError("complaint answer is not JSON", carrier=CARRIER, raw=raw) from exc
        if not isinstance(found, dict):
            raise CarrierResponseError("complaint answer is not an object", carrier=CARRIER, raw=found)
        return found

    def file(self, filing: ComplaintFiling) -> ComplaintReceipt:
        """POST the complaint once; its key travels as externalId."""
        body = self._json("POST", self.url, write=True, body=filing_body(filing))
        try:
            received = dt.datetime.fromisoformat(str(body["receivedAt"]))
            number, raw_status = str(body["complaintId"]), str(body.get("status", ""))
            return ComplaintReceipt(CARRIER, number, _aware(received), raw_status)
        except (KeyError, ValueError) as exc:
            text = f"unreadable complaint answer: {exc}"
            raise CarrierResponseError(text, carrier=CARRIER, raw=body) from exc

    def status(self, complaint_id: str) -> ComplaintStatus:
        """GET the complaint."""
        return status_of(self._json("GET", f"{self.url}/{_id(complaint_id)}", write=False))

    def add_documents(self, complaint_id: str, documents: tuple[ComplaintDocument, ...]) -> None:
        """POST further documents."""
        url = f"{self.url}/{_id(complaint_id)}/attachments"
        self._json("POST", url, write=True, body={"attachments": documents_body(documents)})


def _id(complaint_id: str) -> str:
    if not complaint_id.strip().isdigit():
        raise CarrierNotFound(f"not a DPD complaint number: {complaint_id}", carrier=CARRIER)
    return complaint_id.strip()


def _aware(moment: dt.datetime) -> dt.datetime:
    """DPD gives Polish local time without an offset (as InfoServices does, wsdl/README.md)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=WARSAW)


def documents_body(documents: tuple[ComplaintDocument, ...]) -> list[dict[str, Any]]:
    return [
        {
            "type": doc.kind.value.upper(),
            "fileName": doc.file_name,
            "contentType": doc.content_type,
            "description": doc.description,
            "content": base64.b64encode(doc.content).decode("ascii"),
        }
        for doc in documents
    ]


def filing_body(filing: ComplaintFiling) -> dict[str, Any]:
    def amount(value: Decimal | None) -> str | None:
        return None if value is None else f"{value:.2f}"

    body = {
        "externalId": filing.key,
        "waybill": filing.waybill,
        "packageId": filing.shipment_id,
        "type": filing.kind.value.upper(),
        "description": filing.description,
        "claimedAmount": amount(filing.claimed_amount),
        "carriageFee": amount(filing.fee),
        "declaredValue": amount(filing.declared_value),
        "codAmount": amount(filing.cod_amount),
        "sendingDate": filing.posted_on.isoformat(),
        "deliveryDate": filing.delivered_on.isoformat() if filing.delivered_on else None,
        "claimant": {
            "name": filing.claimant.name, "email": filing.claimant.email, "phone": filing.claimant.phone
        },
        "bankAccount": {"iban": filing.claimant.iban, "holder": filing.claimant.account_holder},
        "attachmentList": attachment_list(filing.documents),
        "attachments": documents_body(filing.documents),
    }
    return {key: value for key, value in body.items() if value is not None}


def status_of(body: dict[str, Any]) -> ComplaintStatus:
    raw = str(body.get("status", ""))
    decided = body.get("decisionDate")
    return ComplaintStatus(
        carrier=CARRIER,
        complaint_id=str(body.get("complaintId", "")),
        outcome=OUTCOMES.get(raw, ComplaintOutcome.PENDING),
        message=str(body.get("message") or ""),
        missing=tuple(_kind(item) for item in body.get("missingDocuments") or ()),
        compensation=_decimal(body.get("compensationAmount")),
        fee_refund=_decimal(body.get("feeRefundAmount")),
        decided_at=_aware(dt.datetime.fromisoformat(str(decided))) if decided else None,
        raw_status=raw,
    )


def _kind(value: Any) -> DocumentKind:
    try:
        return DocumentKind(str(value).lower())
    except ValueError:
        return DocumentKind.OTHER


def _decimal(value: Any) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(str(value))
    except InvalidOperation:
        return None


def error_of(response: requests.Response) -> CarrierError:
    """400 `{errors:[{code, userMessage, field}]}` per field; 404 not found; anything else a refusal."""
    try:
        body = response.json()
    except ValueError:
        body = {"raw": response.text[:500]}
    errors = body.get("errors") if isinstance(body, dict) else None
    if response.status_code == 404:
        return CarrierNotFound("no such DPD complaint", carrier=CARRIER, raw=body)
    if response.status_code == 400 and errors:
        problems = [
            problem(str(e.get("field") or "request"), "invalid", str(e.get("userMessage") or e.get("code")),
                    carrier_code=str(e.get("code")), carrier_field=str(e.get("field") or ""))
            for e in errors
        ]
        return CarrierValidationError(problems, carrier=CARRIER, raw=body)
    text = f"DPD refused the complaint (HTTP {response.status_code})"
    return CarrierRefused(text, carrier=CARRIER, raw=body)
