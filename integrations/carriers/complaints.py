"""The complaint port: filing a carrier complaint (reklamacja) and reading what the carrier decided.

A separate small port beside `CarrierPort`, since not every carrier takes complaints over its API: the
adapters of InPost, DPD and Poczta Polska implement it; Wysyłam z Allegro does not (its complaints go
through Allegro's own forms, and the references show no API for them), so the desk records those by hand.

How each carrier is reached (the references hold a real interface only for Poczta Polska):
- Poczta Polska: e-Nadawca's `addReklamacje`, `addZalacznikDoReklamacji`, `getReklamacje`,
  `getListaPowodowReklamacji` (in the vendored WSDL);
- InPost and DPD: AUTHORED JSON endpoints that their fakes serve (InPost and DPD take complaints by web
  form; no complaint API is in the references). They must be checked against the carriers before go-live.

Amounts are Decimal PLN, dates timezone-aware (or plain dates where the carrier gives a day only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol, runtime_checkable

from integrations.carriers.base import ShipmentRequest


class ComplaintKind(StrEnum):
    """What went wrong with the parcel (Prawo przewozowe: delay, loss, shortage or damage)."""

    DELAY = "delay"
    LOSS = "loss"
    DAMAGE = "damage"
    SHORTAGE = "shortage"


class ComplaintOutcome(StrEnum):
    """Where the carrier stands on a complaint."""

    PENDING = "pending"  # received, being considered
    NEED_DOCUMENTS = "need_documents"  # the carrier asks for more documents before it decides
    ACCEPTED = "accepted"
    PARTLY_ACCEPTED = "partly_accepted"
    REJECTED = "rejected"


DECIDED = (ComplaintOutcome.ACCEPTED, ComplaintOutcome.PARTLY_ACCEPTED, ComplaintOutcome.REJECTED)


class DocumentKind(StrEnum):
    """The documents a carrier complaint is proved with (carriers-digest §7)."""

    TRANSPORT_DOCUMENT = "transport_document"  # copy of the waybill / label / proof of posting
    DAMAGE_REPORT = "damage_report"  # protokół szkody, when one was made
    VALUE_INVOICE = "value_invoice"  # invoice or receipt proving the goods' value
    PRODUCTION_COST = "production_cost"  # production cost calculation (own products)
    REPAIR_INVOICE = "repair_invoice"  # repair invoice or estimate (damage)
    PHOTO = "photo"  # outer box, inner packing, the goods
    ATTACHMENT_LIST = "attachment_list"  # wykaz załączników
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class ComplaintDocument:
    """One file sent with a complaint."""

    kind: DocumentKind
    file_name: str
    content_type: str
    content: bytes
    description: str = ""


@dataclass(frozen=True, slots=True)
class Claimant:
    """Who claims (the broker's customer, the seller) and where compensation is paid."""

    name: str
    email: str = ""
    phone: str = ""
    iban: str = ""  # compact IBAN of the account compensation goes to
    account_holder: str = ""


@dataclass(frozen=True, slots=True)
class ComplaintFiling:
    """A complaint as filed. `key` is chosen by the desk and kept by the carrier (or derived from the
    parcel), so a filing whose answer was lost is answered with the same complaint when sent again."""

    key: str
    kind: ComplaintKind
    waybill: str
    shipment_id: str  # the carrier's shipment id (ShipX id, DPD package id, e-Nadawca guid)
    service: str
    posted_on: dt.date
    description: str
    claimed_amount: Decimal  # what the claimant asks for, PLN (0.00 when only the fee is claimed)
    claimant: Claimant
    documents: tuple[ComplaintDocument, ...] = ()
    delivered_on: dt.date | None = None
    declared_value: Decimal | None = None
    cod_amount: Decimal | None = None
    fee: Decimal | None = None  # the carriage charge paid for the parcel, PLN
    # the shipment as it was ordered: carriers that describe the complained parcel in full (e-Nadawca's
    # typed `przesylka`) build it from here
    shipment: ShipmentRequest | None = None


@dataclass(frozen=True, slots=True)
class ComplaintReceipt:
    """The carrier took the complaint: its number there and when it received it."""

    carrier: str
    complaint_id: str
    received_at: dt.datetime
    raw_status: str = ""


@dataclass(frozen=True, slots=True)
class ComplaintStatus:
    """What the carrier says about a complaint now. `missing` names the documents it asks for (kinds
    where the carrier's words map onto one, else OTHER) and `message` is its text; `compensation` is
    what it pays for the goods, `fee_refund` what it gives back of the carriage charge (None when it
    does not say)."""

    carrier: str
    complaint_id: str
    outcome: ComplaintOutcome
    message: str = ""
    missing: tuple[DocumentKind, ...] = ()
    compensation: Decimal | None = None
    fee_refund: Decimal | None = None
    decided_at: dt.datetime | None = None
    raw_status: str = ""

    @property
    def decided(self) -> bool:
        return self.outcome in DECIDED


@runtime_checkable
class ComplaintPort(Protocol):
    """What the desk asks of a carrier about complaints; raises only errors.CarrierError subclasses."""

    carrier: str

    def file_complaint(self, filing: ComplaintFiling) -> ComplaintReceipt:
        """File once; the same `key` (or parcel, where the carrier keys complaints by parcel) sent again
        is answered with the complaint already filed. A lost answer raises OutcomeUnknown."""
        ...

    def complaint_status(self, complaint_id: str, *, since: dt.date) -> ComplaintStatus:
        """The complaint now. `since` is the first day a decision could have been made on (carriers that
        list decisions by day, like e-Nadawca, read the days from there to today)."""
        ...

    def add_complaint_documents(
        self, complaint_id: str, documents: tuple[ComplaintDocument, ...]
    ) -> None:
        """Send further documents (after the carrier asked for them)."""
        ...


def attachment_list(documents: tuple[ComplaintDocument, ...]) -> str:
    """The list of attachments (wykaz załączników) as the filing's text: one line per document."""
    return "\n".join(
        f"{index}. {doc.file_name} ({doc.kind.value}){' - ' + doc.description if doc.description else ''}"
        for index, doc in enumerate(documents, start=1)
    )
