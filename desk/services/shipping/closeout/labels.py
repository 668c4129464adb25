"""Labels for printing: one shipment's or many (of several carriers) as one document.

Every label is fetched from its carrier once, as an A6 PDF or as ZPL, and kept (`ShipmentLabel`), so a
second print asks no carrier. A4 sheets are composed here, four A6 labels to a page; ZPL labels are
joined into one text file for the thermal printer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from desk.extensions import db
from desk.models.shipment import Shipment, ShipmentLabel, ShipmentStatus
from desk.services.errors import N_, DeskError, NotFoundError
from desk.services.shipping.dispatch import PortFor
from integrations.carriers import CarrierError, Label, LabelFormat, LabelSize, documents

LABELLED = (ShipmentStatus.CONFIRMED, ShipmentStatus.SENT)  # the carrier has waybills: labels exist
CHOICES = {  # what the download form offers -> what is fetched and how it is put together
    "a6": (LabelFormat.PDF, LabelSize.A6),
    "a4": (LabelFormat.PDF, LabelSize.A4),
    "zpl": (LabelFormat.ZPL, None),
}


class LabelsUnavailable(DeskError):
    """A label cannot be had (not labelled yet, a format the carrier does not print, carrier error)."""


@dataclass(frozen=True)
class Document:
    """A file for the browser to download."""

    content: bytes
    filename: str
    media_type: str


def shipments_of(account_id: int, shipment_ids: Sequence[int]) -> list[Shipment]:
    """The account's shipments with these ids, in the order given; NotFoundError when any is not the
    account's (another account's shipment is never printed, nor is its existence revealed)."""
    wanted = list(dict.fromkeys(shipment_ids))
    if not wanted:
        raise LabelsUnavailable(N_("Choose at least one shipment."))
    found = {
        shipment.id: shipment
        for shipment in db.session.scalars(
            select(Shipment).where(Shipment.id.in_(wanted), Shipment.account_id == account_id)
        )
    }
    if len(found) != len(wanted):
        raise NotFoundError(N_("Shipment not found."))
    return [found[shipment_id] for shipment_id in wanted]


def download(port_for: PortFor, shipments: Sequence[Shipment], choice: str) -> Document:
    """One print job with the labels of `shipments`: "a6" (a page per label), "a4" (four per page) or
    "zpl" (one text file). Labels already fetched are not asked for again."""
    if choice not in CHOICES:
        raise LabelsUnavailable(N_("Choose a label format."))
    label_format, size = CHOICES[choice]
    labels = [_stored_or_fetched(port_for, shipment, label_format) for shipment in shipments]
    merged = documents.merge_labels(labels, size or LabelSize.A6)
    stem = f"etykieta-{shipments[0].reference or shipments[0].id}" if len(shipments) == 1 else "etykiety"
    extension = "zpl" if label_format is LabelFormat.ZPL else "pdf"
    return Document(merged.content, f"{stem}-{choice}.{extension}", merged.media_type)


def stored(shipment_id: int, label_format: LabelFormat) -> ShipmentLabel | None:
    """The kept label of the shipment in that format, if it was fetched before."""
    return db.session.scalar(
        select(ShipmentLabel).where(
            ShipmentLabel.shipment_id == shipment_id,
            ShipmentLabel.format == label_format.value,
            ShipmentLabel.size == _size_key(label_format),
        )
    )


def labelled_ids(shipment_ids: Sequence[int]) -> set[int]:
    """Which of the shipments have a label kept (in any format)."""
    if not shipment_ids:
        return set()
    return set(
        db.session.scalars(
            select(ShipmentLabel.shipment_id).where(ShipmentLabel.shipment_id.in_(shipment_ids))
        )
    )


def _size_key(label_format: LabelFormat) -> str:
    return LabelSize.A6.value if label_format is LabelFormat.PDF else ""


def _stored_or_fetched(port_for: PortFor, shipment: Shipment, label_format: LabelFormat) -> Label:
    kept = stored(shipment.id, label_format)
    if kept is None:
        kept = _fetch(port_for, shipment, label_format)
    size = LabelSize.A6 if label_format is LabelFormat.PDF else None
    return Label(kept.content, label_format, size)


def _fetch(port_for: PortFor, shipment: Shipment, label_format: LabelFormat) -> ShipmentLabel:
    if shipment.status not in LABELLED or not shipment.carrier_shipment_id:
        raise LabelsUnavailable(
            N_("Shipment %(reference)s has no label yet: the carrier has not confirmed it."),
            reference=shipment.reference or shipment.id,
        )
    port = port_for(shipment.carrier, shipment.account_id)
    if label_format not in port.capabilities().label_formats:
        raise LabelsUnavailable(N_("%(carrier)s does not print labels as ZPL."), carrier=shipment.carrier)
    try:
        label = port.labels([shipment.carrier_shipment_id], format=label_format, size=LabelSize.A6)
    except CarrierError as exc:
        raise LabelsUnavailable(
            N_("%(carrier)s could not give the label of %(reference)s: %(reason)s"),
            carrier=shipment.carrier,
            reference=shipment.reference or shipment.id,
            reason=str(exc),
        ) from exc
    if label.format is not label_format:  # Wysyłam z Allegro prints in the format chosen at creation
        raise LabelsUnavailable(
            N_("%(carrier)s gave the label of %(reference)s in another format."),
            carrier=shipment.carrier,
            reference=shipment.reference or shipment.id,
        )
    return _keep(shipment, label_format, label.content)


def _keep(shipment: Shipment, label_format: LabelFormat, content: bytes) -> ShipmentLabel:
    row = ShipmentLabel(
        shipment_id=shipment.id, format=label_format.value, size=_size_key(label_format), content=content
    )
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:  # printed at the same moment elsewhere: that copy is as good
        db.session.rollback()
        found = stored(shipment.id, label_format)
        if found is None:
            raise
        return found
    return row
