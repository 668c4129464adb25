"""A carrier complaint as the carrier port takes it: the parcel, the claim, the claimant and the files."""

from __future__ import annotations

from decimal import Decimal

from desk.extensions import db
from desk.models import SellerAccount
from desk.models.complaint import Complaint, ComplaintFile
from desk.models.shipment import Shipment
from desk.services.shared.workdays import warsaw_date
from desk.services.shipping.codec import decode
from integrations.carriers import ShipmentRequest
from integrations.carriers.complaints import (
    Claimant,
    ComplaintDocument,
    ComplaintFiling,
    ComplaintKind,
    DocumentKind,
)


def filing_key(complaint: Complaint) -> str:
    """The key the carrier keeps the complaint by (a retried filing finds the first one)."""
    return f"desk-complaint-{complaint.id}"


def document(file: ComplaintFile) -> ComplaintDocument:
    try:
        kind = DocumentKind(file.doc_type)
    except ValueError:
        kind = DocumentKind.OTHER
    return ComplaintDocument(kind, file.file_name, file.content_type, file.data)


def filing_for(complaint: Complaint) -> ComplaintFiling:
    """The filing of a carrier complaint with all its files."""
    shipment = db.session.get(Shipment, complaint.shipment_id) if complaint.shipment_id else None
    account = db.session.get(SellerAccount, complaint.account_id)
    posted = complaint.posted_at or complaint.created_at
    return ComplaintFiling(
        key=filing_key(complaint),
        kind=ComplaintKind(complaint.carrier_kind.value),
        waybill=complaint.waybill,
        shipment_id=(shipment.carrier_shipment_id or "") if shipment else "",
        service=shipment.service if shipment else "",
        posted_on=warsaw_date(posted),
        delivered_on=warsaw_date(complaint.delivered_at) if complaint.delivered_at else None,
        description=complaint.description,
        claimed_amount=complaint.claimed_amount or Decimal("0.00"),
        claimant=Claimant(
            name=complaint.account_holder or (account.name if account else ""),
            email=account.sender_email if account else "",
            phone=account.sender_phone if account else "",
            iban=complaint.iban,
            account_holder=complaint.account_holder,
        ),
        documents=tuple(document(file) for file in complaint.files),
        declared_value=complaint.parcel_value,
        cod_amount=complaint.cod_amount,
        fee=complaint.fee_gross,
        shipment=_request(shipment),
    )


def _request(shipment: Shipment | None) -> ShipmentRequest | None:
    """The shipment request as it was ordered (None for a shipment the desk holds no request of)."""
    if shipment is None or not shipment.request:
        return None
    try:
        return decode(shipment.request)
    except (KeyError, TypeError, ValueError):
        return None
