"""'Wysyłam z Allegro' and tracking answers -> models_shipments DTOs (lenient: absent and null
look alike; a missing id, the one thing every answer must have, is an AllegroResponseError)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from integrations.allegro._values import Json, boolean, date, items, obj, required_text, text, timestamp
from integrations.allegro.errors import AllegroResponseError
from integrations.allegro.models_shipments import (
    AllegroPoint,
    CommandError,
    CommandStatus,
    DeliveryOption,
    DeliveryProposal,
    DeliveryService,
    ParcelStatus,
    ParcelTracking,
    PickupProposal,
    PickupTime,
    WzaPackage,
    WzaPickup,
    WzaShipment,
)


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        return None


def command_errors(value: Any) -> tuple[CommandError, ...]:
    """The Error400 list of a command status."""
    return tuple(
        CommandError(
            code=text(e.get("code")) or "ERROR",
            message=text(e.get("message")) or "",
            path=text(e.get("path")),
            details=text(e.get("details")),
            user_message=text(e.get("userMessage")),
        )
        for e in items(value)
    )


def command_status(data: Json, retry_after: float | None, result_key: str) -> CommandStatus:
    """CreateShipmentCommandStatusDto, CancelShipmentCommandStatusDto or CreatePickupCommandStatusDto."""
    status = required_text(data, "status", "command status")
    return CommandStatus(
        command_id=text(data.get("commandId")) or "",
        status=status,
        errors=command_errors(data.get("errors")),
        result_id=text(data.get(result_key)),
        carrier_pickup_id=text(data.get("carrierPickupId")),
        retry_after=retry_after,
    )


def shipment(data: Json) -> WzaShipment:
    """ShipmentDto."""
    packages = tuple(
        WzaPackage(
            waybill=text(p.get("waybill")),
            type=text(p.get("type")),
            text_on_label=text(p.get("textOnLabel")),
            carrier_waybills=tuple(
                w for w in (text(t.get("carrierWaybill")) for t in items(p.get("transportingInfo"))) if w
            ),
        )
        for p in items(data.get("packages"))
    )
    properties = {str(k): str(v) for k, v in obj(data.get("additionalProperties")).items() if v is not None}
    return WzaShipment(
        id=required_text(data, "id", "shipment"),
        carrier=text(data.get("carrier")),
        packages=packages,
        reference_number=text(data.get("referenceNumber")),
        label_format=text(data.get("labelFormat")),
        created_at=timestamp(data.get("createdDate")),
        canceled_at=timestamp(data.get("canceledDate")),
        pickup_available=boolean(data.get("pickupAvailable")),
        cash_on_delivery=_decimal(obj(data.get("cashOnDelivery")).get("amount")),
        additional_properties=properties,
    )


def delivery_proposal(data: Json) -> DeliveryProposal:
    """DeliveryProposalDto; the suggested input is kept as JSON to be edited and sent back."""
    options = tuple(
        DeliveryOption(
            delivery_type=text(o.get("deliveryType")),
            payment_type=text(o.get("paymentType")),
            package_type=text(o.get("packageType")),
            cod_limit=_decimal(obj(obj(o.get("limits")).get("cashOnDelivery")).get("amount")),
            insurance_limit=_decimal(obj(obj(o.get("limits")).get("insurance")).get("amount")),
        )
        for o in items(data.get("deliveryOptions"))
    )
    return DeliveryProposal(
        order_id=text(data.get("orderId")) or "",
        suggested_input=dict(obj(data.get("suggestedInput"))),
        options=options,
    )


def delivery_services(data: Json) -> list[DeliveryService]:
    """DeliveryServicesDto."""
    return [
        DeliveryService(
            delivery_method_id=text(obj(s.get("id")).get("deliveryMethodId")),
            credentials_id=text(obj(s.get("id")).get("credentialsId")),
            name=text(s.get("name")),
            carrier_id=text(s.get("carrierId")),
            owner=text(s.get("owner")),
            cod_payment_type=text(obj(s.get("cashOnDelivery")).get("paymentType")),
        )
        for s in items(data.get("services"))
    ]


def pickup_proposals(body: Any) -> list[PickupProposal]:
    """The JSON array of PickupProposalsResponseDto, flattened to one proposal per shipment."""
    if not isinstance(body, list):
        raise AllegroResponseError("pickup-proposals: answer is not a JSON array")
    found = []
    for response in items(body):
        for proposal in items(response.get("proposals")):
            times = tuple(
                PickupTime(day, text(t.get("minTime")), text(t.get("maxTime")))
                for t in items(proposal.get("pickupTimes"))
                if (day := date(t.get("date"))) is not None
            )
            found.append(PickupProposal(text(proposal.get("shipmentId")) or "", times))
    return found


def pickup(data: Json) -> WzaPickup:
    """PickupDto."""
    return WzaPickup(
        id=required_text(data, "id", "pickup"),
        carrier_pickup_id=text(data.get("carrierPickupId")),
        carrier=text(data.get("carrier")),
        shipment_ids=tuple(v for v in (text(s) for s in data.get("shipmentIds") or ()) if v),
        waybills=tuple(v for v in (text(s) for s in data.get("waybills") or ()) if v),
    )


def tracking(data: Json) -> list[ParcelTracking]:
    """CarrierParcelTrackingResponse: statuses oldest first; undated statuses are dropped."""
    found = []
    for history in items(data.get("waybills")):
        statuses = [
            ParcelStatus(at, code, text(s.get("description")))
            for s in items(obj(history.get("trackingDetails")).get("statuses"))
            if (at := timestamp(s.get("occurredAt"))) is not None and (code := text(s.get("code")))
        ]
        statuses.sort(key=lambda s: s.occurred_at)
        found.append(ParcelTracking(text(history.get("waybill")) or "", tuple(statuses)))
    return found


def points(data: Json) -> list[AllegroPoint]:
    """AllegroPickupDropOffPointsResponse; a point without an id is skipped."""
    found = []
    for point in items(data.get("points")):
        point_id = text(point.get("id"))
        if not point_id:
            continue
        address = obj(point.get("address"))
        coordinates = obj(address.get("coordinates"))
        found.append(
            AllegroPoint(
                id=point_id,
                name=text(point.get("name")),
                type=text(point.get("type")),
                street=text(address.get("street")),
                city=text(address.get("city")),
                postcode=text(address.get("postCode")),
                latitude=_float(coordinates.get("lat")),
                longitude=_float(coordinates.get("lon")),
                services=tuple(t for t in (text(s.get("type")) for s in items(point.get("services"))) if t),
                carriers=tuple(c for c in (text(c) for c in point.get("carriers") or ()) if c),
                description=text(point.get("description")),
            )
        )
    return found


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
