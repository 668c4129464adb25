"""Complaint test data: a seller account, an order with a delivered parcel (tracking events, the label the
desk kept, the fee charged on the ledger), the carriers' in-process fakes and a seam that records requests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from desk.extensions import db
from desk.models import EntryKind, SellerAccount, ShipmentLabel
from desk.services import billing
from desk.services.billing import Posting
from desk.services.complaints import CorrectionRequest, CorrectionResult, FileLimits, Upload
from desk.wiring.carriers import FAKE_CARRIERS, get_carriers
from desk.wiring.complaints import complaint_ports
from tests.services.shipping.parcel_rows import event, make_order, make_shipment, warsaw

PDF = b"%PDF-1.4\n% test document\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
IBAN = "PL61 1090 1014 0000 0712 1981 2874"
LIMITS = FileLimits(max_bytes=1024, per_upload=5, per_complaint=8)
FEE = Decimal("16.99")
NOW = warsaw(2026, 11, 20, 10)  # a Friday


def account(name: str = "Sklep z kubkami") -> SellerAccount:
    found = SellerAccount(name=name, sender_email="sklep@example.pl")
    db.session.add(found)
    db.session.commit()
    return found


def delivered_parcel(
    seller: SellerAccount,
    *,
    carrier: str = "inpost",
    charged: bool = True,
    label: bool = True,
    delivered_on: tuple[int, int, int] = (2026, 11, 18),
):
    """A parcel posted on 16 Nov and delivered on `delivered_on` (Warsaw), its fee charged on the ledger."""
    order = make_order(seller)
    shipment = make_shipment(
        seller,
        order=order,
        carrier=carrier,
        service=f"{carrier}_courier_standard",
        price_gross=FEE,
        cod_amount=Decimal("149.99"),
        carrier_shipment_id="100001",
        events=[
            event("collected", warsaw(2026, 11, 16, 15), "handed_over"),
            event("delivered", warsaw(*delivered_on, 11), "delivered"),
        ],
    )
    if label:
        db.session.add(ShipmentLabel(shipment_id=shipment.id, format="pdf", size="A6", content=PDF))
    if charged:
        billing.post(Posting(seller.id, EntryKind.TOPUP, Decimal("100.00"), key=f"topup-{shipment.id}"))
        billing.post(
            Posting(
                seller.id,
                EntryKind.SHIPMENT_CHARGE,
                -FEE,
                key=f"charge-{shipment.id}",
                shipment_id=shipment.id,
            )
        )
    db.session.commit()
    return order, shipment


def damage_form(**changes) -> dict[str, str]:
    values = {
        "kind": "damage",
        "description": "Karton zgnieciony, kubek pęknięty.",
        "claimed_amount": "120,00",
        "damage_report_made": "1",
        "iban": IBAN,
        "account_holder": "Sklep z kubkami sp. z o.o.",
    }
    return {**values, **changes}


def damage_files() -> list[Upload]:
    return [
        Upload("protokol.pdf", PDF, "damage_report"),
        Upload("faktura.pdf", PDF, "value_invoice"),
        Upload("karton.png", PNG, "photo"),
    ]


def inpost_state(app):
    """The in-process fake ShipX the app's ports talk to."""
    get_carriers(app)  # starts the fakes
    return app.extensions[FAKE_CARRIERS]["inpost"].server.state


def ports(app):
    return complaint_ports(app)


class RecordingCorrections:
    """The seam as a test sees it: every request kept; issues a number when `issue` is set."""

    def __init__(self, issue: bool = False) -> None:
        self.requests: list[CorrectionRequest] = []
        self.issue = issue

    def issue_correction(self, request: CorrectionRequest) -> CorrectionResult:
        self.requests.append(request)
        return (
            CorrectionResult(True, f"KOR/{len(self.requests)}/2026")
            if self.issue
            else CorrectionResult(False)
        )


def later(moment: dt.datetime, **delta) -> dt.datetime:
    return moment + dt.timedelta(**delta)
