"""Package presets per seller account: the parcels an account sends often, to fill the form with."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from desk.extensions import db
from desk.models.shipment import PackagePreset
from desk.services.errors import N_, NotFoundError, ValidationError
from integrations.carriers import ParcelSpec

NAME_MAX = 60
MAX_SIDE_CM = Decimal(300)
MAX_WEIGHT_KG = Decimal(1000)


def presets_of(account_id: int) -> list[PackagePreset]:
    """The account's presets by name."""
    return list(
        db.session.scalars(
            select(PackagePreset).where(PackagePreset.account_id == account_id).order_by(PackagePreset.name)
        )
    )


def spec_of(preset: PackagePreset) -> ParcelSpec:
    """The parcel a preset describes, as a carrier takes it."""
    return ParcelSpec(
        preset.length_mm, preset.width_mm, preset.height_mm, preset.weight_g, template=preset.template
    )


# per field: (not a number, out of range) — whole sentences, so each is translated as one
MESSAGES = {
    "length": (N_("Length: not a number."), N_("Length must be above 0 and at most %(limit)s cm.")),
    "width": (N_("Width: not a number."), N_("Width must be above 0 and at most %(limit)s cm.")),
    "height": (N_("Height: not a number."), N_("Height must be above 0 and at most %(limit)s cm.")),
    "weight": (N_("Weight: not a number."), N_("Weight must be above 0 and at most %(limit)s kg.")),
}


def _number(text: str, what: str, limit: Decimal) -> Decimal:
    not_a_number, out_of_range = MESSAGES[what]
    try:
        value = Decimal((text or "").strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError(not_a_number) from None
    if not value.is_finite() or value <= 0 or value > limit:
        raise ValidationError(out_of_range, limit=limit)
    return value


def add_preset(
    account_id: int,
    *,
    name: str,
    length_cm: str,
    width_cm: str,
    height_cm: str,
    weight_kg: str,
    template: str = "",
) -> PackagePreset:
    """Save a preset (centimetres and kilograms as typed, decimal comma allowed). Commits."""
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise ValidationError(N_("Give the preset a name of at most %(max)s characters."), max=NAME_MAX)
    sides = [
        _number(value, label, MAX_SIDE_CM)
        for value, label in ((length_cm, "length"), (width_cm, "width"), (height_cm, "height"))
    ]
    weight = _number(weight_kg, "weight", MAX_WEIGHT_KG)
    preset = PackagePreset(
        account_id=account_id,
        name=name,
        template=(template or "").strip()[:16],
        length_mm=int(sides[0] * 10),
        width_mm=int(sides[1] * 10),
        height_mm=int(sides[2] * 10),
        weight_g=int(weight * 1000),
    )
    db.session.add(preset)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ValidationError(N_("This account already has a preset called %(name)s."), name=name) from None
    return preset


def delete_preset(preset_id: int, account_ids: set[int] | None) -> None:
    """Remove a preset of an account the caller may see. Commits."""
    preset = db.session.get(PackagePreset, preset_id)
    if preset is None or (account_ids is not None and preset.account_id not in account_ids):
        raise NotFoundError(N_("Preset not found."))
    db.session.delete(preset)
    db.session.commit()
