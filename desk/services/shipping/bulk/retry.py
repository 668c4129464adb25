"""A failed row fixed and sent again alone: the agent's corrections (receiver and pickup point; the parcel,
from a preset or typed, and the service, where the row's problems name them) checked and priced again
now; a new key only when the previous attempt certainly never reached the carrier."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.exc import IntegrityError

from desk.extensions import db
from desk.models.shipment import BatchItemStatus, PackagePreset, ShipmentBatchItem, ShipmentStatus
from desk.orm import utcnow
from desk.services.errors import N_, ValidationError
from desk.services.shipping import codec, dispatch, forms, presets
from desk.services.shipping.bulk import fields, guards
from desk.services.shipping.bulk.batches import item_of, refresh
from desk.services.shipping.forms import FieldError
from integrations.carriers import CarrierError, ShipmentRequest


class FixRefused(ValidationError):
    """The corrections cannot be used as typed; `errors` name the form's fields. Nothing was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(N_("Correct the marked fields."))
        self.errors = errors


@dataclass(frozen=True)
class FixChoices:
    """What the retry form of an item offers: the carrier's services, the account's presets, the sizes."""

    services: tuple[tuple[str, str], ...]  # (code, name)
    presets: tuple[PackagePreset, ...]
    templates: tuple[str, ...]


def fixable_values(item: ShipmentBatchItem) -> dict[str, str]:
    """The fields of a failed item the agent may correct, as the request has them now."""
    request = codec.decode(item.request)
    values = {
        f"receiver_{name}": getattr(request.receiver, name)
        for name in ("name", "street", "postcode", "city", "phone", "email")
    }
    values |= {"target_point": request.target_point, "service": request.service, "preset": ""}
    if request.parcels:
        parcel = request.parcels[0]
        values |= {
            "length_cm": _number(parcel.length_mm, 10),
            "width_cm": _number(parcel.width_mm, 10),
            "height_cm": _number(parcel.height_mm, 10),
            "weight_kg": _number(parcel.weight_g, 1000),
            "template": parcel.template,
        }
    return values


def _number(value: int, per_unit: int) -> str:
    """Millimetres as centimetres, grams as kilograms, as people type them ("30", "0,5")."""
    return format((Decimal(value) / per_unit).normalize(), "f").replace(".", ",")


def fix_groups(item: ShipmentBatchItem, shown: Iterable[str] = ()) -> set[str]:
    """The retry form's groups to offer for a failed item: those its problems name, and those holding the
    fields in `shown` (what the agent typed or was just told about); the receiver always."""
    named = {fields.form_field(problem["field"]) for problem in item.problems or ()}
    return fields.groups_of(named | set(shown))


def fix_choices(port_for: dispatch.PortFor, item: ShipmentBatchItem) -> FixChoices:
    """The services of the item's carrier, its account's presets and the sizes those services take."""
    caps = port_for(item.carrier, item.account_id).capabilities()
    templates = dict.fromkeys(
        template
        for service in caps.services
        if service.parcel_limits
        for template in service.parcel_limits.templates
    )
    return FixChoices(
        services=tuple((service.code, service.name) for service in caps.services),
        presets=tuple(presets.presets_of(item.account_id)),
        templates=tuple(templates),
    )


def retry_item(
    item_id: int,
    account_ids: set[int] | None,
    port_for: dispatch.PortFor,
    fixes: Mapping[str, str],
    *,
    today: dt.date | None = None,
) -> ShipmentBatchItem:
    """Queue a failed item again with the agent's corrections, checked and priced again now. Its key
    changes only when the previous attempt certainly did not reach the carrier (no shipment under it, or
    the carrier has nothing under it); else the same key reads the carrier's shipment back.

    Raises FixRefused (nothing written) when a correction cannot be read or priced, and
    dispatch.ShipmentRefused when the carrier's checks still fail (the item keeps what was typed).
    Commits."""
    item = item_of(item_id, account_ids)
    if item.status is not BatchItemStatus.FAILED:
        raise ValidationError(N_("Only a failed row can be sent again."))
    if item.order_id is not None and item.order_id in guards.busy_orders([item.order_id]):
        raise ValidationError(guards.ALREADY_SHIPPED)  # sent since, from elsewhere
    request = codec.decode(item.request)
    corrected = _corrected(port_for, item, request, fixes)
    key = item.idempotency_key
    if _never_arrived(port_for, item):
        key = f"bulk-{uuid.uuid4().hex}"
    elif dispatch.by_key(key) is not None and dispatch.by_key(key).status is ShipmentStatus.FAILED:
        raise ValidationError(
            N_("The carrier keeps this shipment as refused; send the order again from its page.")
        )
    fixed = dataclasses.replace(corrected, idempotency_key=key)
    try:
        dispatch.validate(
            port_for, dispatch.ShipmentOrder(account_id=item.account_id, carrier=item.carrier, request=fixed)
        )
    except dispatch.ShipmentRefused:
        item.request = codec.encode(dataclasses.replace(fixed, idempotency_key=item.idempotency_key))
        db.session.commit()
        raise
    _price(item, request, fixed, today or utcnow().date())
    _queue(item, fixed)
    return item


def _corrected(
    port_for: dispatch.PortFor, item: ShipmentBatchItem, request: ShipmentRequest, fixes: Mapping[str, str]
) -> ShipmentRequest:
    """The request with the corrections applied; FixRefused names every field that cannot be read."""
    errors: list[FieldError] = []
    receiver = dataclasses.replace(
        request.receiver,
        **{
            name.removeprefix("receiver_"): (fixes.get(name) or "").strip()
            for name in fields.RECEIVER
            if name.startswith("receiver_") and name in fixes
        },
    )
    point = (fixes.get("target_point") or "").strip() if "target_point" in fixes else request.target_point
    parcels = _parcels(item.account_id, request, fixes, errors)
    service = (fixes.get("service") or "").strip() or request.service
    if service != request.service and service not in dict(fix_choices(port_for, item).services):
        errors.append(FieldError("service", N_("Choose one of the carrier's services.")))
    if errors:
        raise FixRefused(errors)
    return dataclasses.replace(
        request, receiver=receiver, target_point=point, parcels=parcels, service=service
    )


def _parcels(
    account_id: int, request: ShipmentRequest, fixes: Mapping[str, str], errors: list[FieldError]
) -> tuple:
    """A chosen preset's parcel, else the typed one, else the request's own."""
    chosen = (fixes.get("preset") or "").strip()
    if chosen:
        preset = db.session.get(PackagePreset, int(chosen)) if chosen.isdigit() else None
        if preset is None or preset.account_id != account_id:
            errors.append(FieldError("preset", N_("Choose one of the account's presets.")))
            return request.parcels
        return (presets.spec_of(preset),)
    if not any(name in fixes for name in fields.PARCEL):
        return request.parcels
    parcel, problems = forms.parse_parcel(fixes)
    errors.extend(problems)
    return (parcel,) if parcel is not None else request.parcels


def _price(item: ShipmentBatchItem, before: ShipmentRequest, fixed: ShipmentRequest, at: dt.date) -> None:
    """The item priced anew. A new parcel or service must have a price (FixRefused next to it); a
    corrected address alone keeps the earlier price when the list no longer has one."""
    quote = forms.price(item.account_id, item.carrier, fixed, at)
    if quote.priced:
        item.quote, item.price_gross = quote.to_snapshot(), quote.gross
        return
    if fixed.service != before.service or fixed.parcels != before.parcels:
        where = "service" if fixed.service != before.service else "length_cm"
        raise FixRefused([FieldError(where, reason.message, dict(reason.params)) for reason in quote.reasons])


def _queue(item: ShipmentBatchItem, fixed: ShipmentRequest) -> None:
    """The item waiting for the worker again with the corrected request. Commits."""
    item.request = codec.encode(fixed)
    item.service = fixed.service
    if fixed.idempotency_key != item.idempotency_key:
        item.shipment_id = None
    item.idempotency_key = fixed.idempotency_key
    item.status = BatchItemStatus.WAITING
    item.error = None
    item.problems = None
    item.next_try_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError:  # another batch queued the order since the check above
        db.session.rollback()
        raise ValidationError(guards.IN_ANOTHER_BATCH) from None
    refresh(item.batch_id)


def _never_arrived(port_for: dispatch.PortFor, item: ShipmentBatchItem) -> bool:
    """Whether nothing exists at the carrier under the item's key (a new key is then safe)."""
    shipment = dispatch.by_key(item.idempotency_key)
    if shipment is None:
        return True  # refused by the checks before it was recorded: never sent
    if shipment.status is not ShipmentStatus.FAILED:
        return False
    try:
        return port_for(item.carrier, item.account_id).find_shipment(item.idempotency_key) is None
    except CarrierError:
        return False  # cannot tell now: keep the key, the shipment is read back instead
