"""The documents each carrier complaint needs (carriers-digest §7), and which of them the complaint has.

Every carrier complaint: a copy of the transport document (the label the desk keeps is attached for the
seller when there is one), the list of attachments (the desk writes it from the files when the complaint
goes to the carrier) and the bank account for compensation. Loss, damage and shortage also need proof of
the goods' value (invoice or receipt, or a production cost calculation; for damage also a repair invoice),
and damage or shortage the damage report when one was made at delivery. Photos are recommended for damage
and shortage, not required.
"""

from __future__ import annotations

from dataclasses import dataclass

from desk.models.complaint import CarrierKind, Complaint
from desk.services.errors import N_
from integrations.carriers.complaints import DocumentKind

GOODS = (CarrierKind.LOSS, CarrierKind.DAMAGE, CarrierKind.SHORTAGE)
HARMED = (CarrierKind.DAMAGE, CarrierKind.SHORTAGE)
# the documents a seller may upload to a carrier complaint
CARRIER_DOC_TYPES = tuple(kind.value for kind in DocumentKind if kind is not DocumentKind.ATTACHMENT_LIST)
EVIDENCE = "evidence"  # invoice complaints: anything that shows what was wrong
INVOICE_DOC_TYPES = (EVIDENCE,)


@dataclass(frozen=True)
class Item:
    """One line of the checklist: what is needed, whether it must be there, whether it is."""

    code: str
    label: str  # an N_ message
    required: bool
    done: bool
    doc_types: tuple[str, ...] = ()  # the uploads that satisfy it (empty: not a file)


def value_proofs(kind: CarrierKind) -> tuple[str, ...]:
    """The documents that prove the goods' value for a kind of complaint."""
    found = [DocumentKind.VALUE_INVOICE.value, DocumentKind.PRODUCTION_COST.value]
    if kind is CarrierKind.DAMAGE:
        found.append(DocumentKind.REPAIR_INVOICE.value)
    return tuple(found)


def checklist(complaint: Complaint) -> list[Item]:
    """The checklist of a carrier complaint as it stands (its files and bank account)."""
    kind = complaint.carrier_kind or CarrierKind.DAMAGE
    have = {file.doc_type for file in complaint.files}

    def has(*types: str) -> bool:
        return bool(have.intersection(types))

    transport = DocumentKind.TRANSPORT_DOCUMENT.value
    items = [
        Item(
            "transport_document",
            N_("Copy of the transport document (label or waybill)"),
            True,
            has(transport),
            (transport,),
        )
    ]
    if kind in HARMED:
        report = DocumentKind.DAMAGE_REPORT.value
        items.append(
            Item(
                "damage_report",
                N_("Damage report drawn up at delivery"),
                complaint.damage_report_made,
                has(report),
                (report,),
            )
        )
    if kind in GOODS:
        proofs = value_proofs(kind)
        label = (
            N_("Proof of value: invoice or receipt, production cost calculation or repair invoice")
            if kind is CarrierKind.DAMAGE
            else N_("Proof of value: invoice or receipt, or production cost calculation")
        )
        items.append(Item("value_proof", label, True, has(*proofs), proofs))
    if kind in HARMED:
        photo = DocumentKind.PHOTO.value
        items.append(
            Item("photos", N_("Photos of the box, the packing and the goods"), False, has(photo), (photo,))
        )
    items.append(
        Item(
            "attachment_list",
            N_("List of attachments (the desk writes it from the files)"),
            True,
            bool(complaint.files),
        )
    )
    items.append(Item("bank_account", N_("Bank account for the compensation"), True, bool(complaint.iban)))
    return items


def missing(complaint: Complaint) -> list[Item]:
    """The required items the complaint does not have yet."""
    return [item for item in checklist(complaint) if item.required and not item.done]
