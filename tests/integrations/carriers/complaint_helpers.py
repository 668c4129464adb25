"""A valid carrier complaint filing to vary, shared by the three carriers' complaint tests."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from integrations.carriers.complaints import (
    Claimant,
    ComplaintDocument,
    ComplaintFiling,
    ComplaintKind,
    DocumentKind,
)

PDF = b"%PDF-1.4\n% complaint test\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def document(kind: DocumentKind = DocumentKind.VALUE_INVOICE, name: str = "faktura.pdf") -> ComplaintDocument:
    content, content_type = (PNG, "image/png") if name.endswith(".png") else (PDF, "application/pdf")
    return ComplaintDocument(kind, name, content_type, content, description="")


def filing(**changes: Any) -> ComplaintFiling:
    """A damaged-parcel complaint with a transport document and a value invoice."""
    base = ComplaintFiling(
        key="desk-complaint-1",
        kind=ComplaintKind.DAMAGE,
        waybill="620000000000000000000001",
        shipment_id="100001",
        service="inpost_courier_standard",
        posted_on=dt.date(2026, 2, 23),
        delivered_on=dt.date(2026, 2, 25),
        description="Karton zgnieciony, kubek pęknięty.",
        claimed_amount=Decimal("120.00"),
        fee=Decimal("16.99"),
        claimant=Claimant(
            name="Sklep z kubkami", email="sklep@example.pl", iban="PL61109010140000071219812874",
            account_holder="Sklep z kubkami sp. z o.o.",
        ),
        documents=(
            document(DocumentKind.TRANSPORT_DOCUMENT, "etykieta.pdf"),
            document(DocumentKind.VALUE_INVOICE, "faktura.pdf"),
        ),
    )
    return dataclasses.replace(base, **changes)
