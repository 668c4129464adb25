"""What agents read when a carrier refuses a shipment's data: each problem names its field.

Carrier adapters report problems as (field path, code, params) before sending anything; these tables
turn them into sentences in the agent's language. Field paths look like ``receiver.postcode`` or
``parcels[1].weight_g``; the parcel number is shown counting from 1.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from desk.views.filters import money

FIELD_NAMES = {
    "service": _l("Service"),
    "sender": _l("Sender"),
    "receiver": _l("Receiver"),
    "name": _l("name"),
    "company": _l("company"),
    "street": _l("street and number"),
    "building": _l("building number"),
    "city": _l("city"),
    "postcode": _l("postcode"),
    "country": _l("country"),
    "phone": _l("phone"),
    "email": _l("e-mail"),
    "target_point": _l("Pickup point"),
    "dropoff_point": _l("Drop-off point"),
    "parcels": _l("Parcels"),
    "parcel": _l("Parcel %(number)s"),
    "dimensions": _l("dimensions"),
    "weight_g": _l("weight"),
    "template": _l("size"),
    "cod": _l("Cash on delivery"),
    "amount": _l("amount"),
    "iban": _l("bank account"),
    "insurance": _l("Insurance"),
    "reference": _l("Reference"),
    "label_text": _l("Text on the label"),
    "additional_services": _l("Additional services"),
    "payment": _l("Payment"),
}

PROBLEMS = {
    "required": _l("is required."),
    "too_long": _l("is too long (at most %(max)s characters)."),
    "too_short": _l("is too short (at least %(min)s characters)."),
    "postcode_format": _l("must look like 00-950."),
    "postcode_unknown": _l("is not served by this carrier."),
    "phone_invalid": _l("is not a valid phone number."),
    "email_invalid": _l("is not a valid e-mail address."),
    "iban_invalid": _l("is not a valid account number."),
    "iban_not_polish": _l("must be a Polish bank account."),
    "service_unknown": _l("is not offered by this carrier."),
    "point_required": _l("must be chosen for this service."),
    "parcels_none": _l("need at least one parcel."),
    "parcels_too_many": _l("are too many for this service (at most %(max)s)."),
    "dimension_invalid": _l("must be above zero."),
    "too_long_side": _l("exceed the longest side this service takes (%(max_mm)s mm)."),
    "too_heavy": _l("exceeds the weight this service takes (%(max_g)s g)."),
    "too_big": _l("exceed the size this service takes (%(max_mm)s mm)."),
    "too_thin": _l("are below the minimum height for this size (%(min_mm)s mm)."),
    "template_unknown": _l("is not a size of this service (allowed: %(allowed)s)."),
    "cod_not_available": _l("is not available with this service."),
    "cod_above_max": _l("is above the carrier's maximum of %(max)s PLN."),
    "cod_invalid": _l("must be above zero, in full grosze."),
    "insurance_above_max": _l("is above the carrier's maximum of %(max)s PLN."),
    "insurance_invalid": _l("cannot be negative."),
    "additional_service_unknown": _l("include one this service does not offer."),
    "country_unsupported": _l("must be Poland."),
    "invalid": _l("is not valid."),
    "account_blocked": _l(
        "cannot be ordered: invoice %(numbers)s is %(days)s days overdue (due on %(due_date)s) and"
        " %(amount)s zł is due. Pay it by bank transfer to order shipments again."
    ),
    # the account cannot pay (dispatch.NotPaid): amounts as plain decimal strings, shown as money
    "shortfall": _l("the balance is too low: %(needed)s needed, %(available)s available (%(missing)s"
                    " missing). Top up the balance and send it again."),
    "credit_shortfall": _l("the credit limit is used up: %(needed)s needed, %(available)s left"
                           " (%(missing)s missing)."),
    "not_priced": _l("the shipment has no price from the price list, so it cannot be charged."),
}
MONEY_PROBLEMS = ("shortfall", "credit_shortfall")
CARRIER_SAID = _l("was refused by the carrier: %(message)s")

_PART = re.compile(r"^(?P<name>[a-z_]+)(?:\[(?P<index>\d+)\])?$")


def field_name(path: str) -> str:
    """``receiver.postcode`` -> "Receiver, postcode"; ``parcels[1].weight_g`` -> "Parcel 2, weight"."""
    words = []
    for part in path.split("."):
        match = _PART.match(part)
        if match is None:
            words.append(part)
            continue
        name, index = match["name"], match["index"]
        if index is not None and name == "parcels":
            words.append(str(FIELD_NAMES["parcel"]) % {"number": int(index) + 1})
        else:
            words.append(str(FIELD_NAMES.get(name, name)))
    return ", ".join(words)


def problem_text(path: str, code: str, params: Mapping[str, Any] | None = None, message: str = "") -> str:
    """One sentence for one problem: the field, then what is wrong with it."""
    template = PROBLEMS.get(code)
    values = dict(params or {})
    if code in MONEY_PROBLEMS:
        values = {name: money(value) for name, value in values.items()}
    if template is None:
        sentence = str(CARRIER_SAID) % {"message": message or code}
    else:
        try:
            sentence = str(template) % values if "%(" in str(template) else str(template)
        except (KeyError, ValueError, TypeError):
            sentence = str(template).split(" (")[0].rstrip(".") + "."
    return f"{field_name(path)}: {sentence}"


SHIPMENT_STATUSES = {
    "ordering": _l("waiting to be sent"),
    "checking": _l("checking with the carrier"),
    "pending": _l("accepted, being processed"),
    "confirmed": _l("confirmed, label ready"),
    "sent": _l("handed to the carrier's books"),
    "failed": _l("refused by the carrier"),
    "cancelled": _l("cancelled"),
}
SHIPMENT_TONES = {
    "ordering": "info",
    "checking": "warning",
    "pending": "info",
    "confirmed": "success",
    "sent": "success",
    "failed": "error",
    "cancelled": "neutral",
}
TRACKING_STATES = {
    "created": _l("created"),
    "handed_over": _l("handed over"),
    "in_transit": _l("in transit"),
    "out_for_delivery": _l("out for delivery"),
    "ready_for_pickup": _l("ready for pickup"),
    "delivered": _l("delivered"),
    "returning": _l("returning to the sender"),
    "returned": _l("returned to the sender"),
    "problem": _l("problem"),
    "cancelled": _l("cancelled"),
}
POINT_KINDS = {
    "locker": _l("parcel locker"),
    "pickup_point": _l("pickup point"),
    "post_office": _l("post office"),
}
FOR_SHIPPING = {
    "point_kinds": POINT_KINDS,
    "shipment_statuses": SHIPMENT_STATUSES,
    "shipment_tones": SHIPMENT_TONES,
    "tracking_states": TRACKING_STATES,
}


def stored_problem_text(problem: Mapping[str, Any]) -> str:
    """A carrier problem as a shipment stores it (field, code, params, message) in a sentence."""
    return problem_text(
        problem.get("field", ""), problem.get("code", ""), problem.get("params"), problem.get("message", "")
    )
