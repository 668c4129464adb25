"""e-Nadawca answers -> the port's values; its per-item `errorType` lists -> the error tree.

e-Nadawca reports business errors inside a normal answer: `error[] {errorNumber, errorDesc, guid}`
(digest §3.3), not as SOAP faults. The WSDL does not list the numbers. The ones below are this adapter's
working set (the fake uses them); a real number not listed still lands in the tree: a description that
starts with a wire field path ("adres.kodPocztowy: ...") becomes a field problem, anything else a refusal.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from integrations.carriers.base import CarrierShipment, ShipmentState
from integrations.carriers.checks import problem
from integrations.carriers.errors import (
    CarrierNotFound,
    CarrierRefused,
    CarrierValidationError,
    FieldProblem,
    NotCancellable,
)
from integrations.carriers.poczta import services as svc
from integrations.carriers.poczta.services import CARRIER

# errorNumber values (assumed; see the module docstring)
DUPLICATE_GUID = 1001  # a shipment with this guid is already in the buffer or was sent
UNKNOWN_GUID = 1002  # no shipment with this guid
FIELD_INVALID = 1003  # one field's value is refused; errorDesc starts with its wire path
ENVELOPE_EMPTY = 1004  # sendEnvelope on an empty buffer
ALREADY_SENT = 1005  # the shipment's envelope was sent: it can no longer be removed
UNKNOWN_ENVELOPE = 1006  # no envelope with this id
PICKUP_REFUSED = 1007  # zamowKuriera: date or hour not served
ENVELOPE_INVALID = 1008  # the envelope is BLEDNY: no book

# wire path of a field -> (the request's dotted path, the check code the desk translates)
_FIELDS = {
    "adres.kodPocztowy": ("receiver.postcode", "postcode_unknown"),
    "nadawca.kodPocztowy": ("sender.postcode", "postcode_unknown"),
    "adres.miejscowosc": ("receiver.city", "required"),
    "adres.ulica": ("receiver.street", "required"),
    "adres.mobile": ("receiver.phone", "phone_invalid"),
    "adres.telefon": ("receiver.phone", "phone_invalid"),
    "adres.email": ("receiver.email", "email_invalid"),
    "nadawca.telefon": ("sender.phone", "phone_invalid"),
    "punktOdbioru": ("target_point", "point_required"),
    "masa": ("parcels[0].weight_g", "too_heavy"),
    "format": ("parcels[0].template", "template_unknown"),
    "pobranie.nrb": ("cod.iban", "iban_invalid"),
    "pobranie.kwotaPobrania": ("cod.amount", "cod_above_max"),
    "wartosc": ("insurance", "insurance_above_max"),
}

ENVELOPE_FAILED = "BLEDNY"


def errors_of(answer: Any) -> list[Any]:
    """The `error` list of an answer object (or the answer itself when zeep unwrapped it to the list)."""
    if answer is None:
        return []
    if isinstance(answer, list):
        return answer
    return list(getattr(answer, "error", None) or [])


def describe(errors: Iterable[Any]) -> str:
    return "; ".join(f"{e.errorNumber}: {e.errorDesc}" for e in errors) or "error"


def field_problem(error: Any) -> FieldProblem | None:
    """The FieldProblem an error names by its wire path, or None."""
    path, _, message = (error.errorDesc or "").partition(":")
    known = _FIELDS.get(path.strip())
    if known is None:
        return None
    field, code = known
    return problem(field, code, message.strip() or "refused by Poczta Polska", wire=path.strip())


def raise_for_shipment_errors(errors: list[Any]) -> None:
    """addShipment item errors: field problems -> CarrierValidationError, the rest -> CarrierRefused."""
    if not errors:
        return
    problems = [found for found in map(field_problem, errors) if found is not None]
    raw = [(e.errorNumber, e.errorDesc, e.guid) for e in errors]
    if len(problems) == len(errors):
        raise CarrierValidationError(problems, carrier=CARRIER, raw=raw)
    raise CarrierRefused(f"Poczta Polska refused the shipment: {describe(errors)}", carrier=CARRIER, raw=raw)


def raise_for_errors(errors: list[Any], *, what: str) -> None:
    """Errors of any other operation: unknown guid/envelope -> CarrierNotFound, a shipment already
    sent -> NotCancellable, anything else -> CarrierRefused."""
    if not errors:
        return
    numbers = {e.errorNumber for e in errors}
    raw = [(e.errorNumber, e.errorDesc, e.guid) for e in errors]
    text = f"{what}: {describe(errors)}"
    if numbers & {UNKNOWN_GUID, UNKNOWN_ENVELOPE}:
        raise CarrierNotFound(text, carrier=CARRIER, raw=raw)
    if ALREADY_SENT in numbers:
        raise NotCancellable(text, carrier=CARRIER, raw=raw)
    raise CarrierRefused(text, carrier=CARRIER, raw=raw)


def service_of(przesylka: Any) -> str:
    """The desk's service code of a przesylka read back from e-Nadawca (by its xsi:type)."""
    kind = type(przesylka).__name__
    if kind == "pocztex2021KurierType":
        return (
            svc.PACZKA_W_PUNKCIE
            if getattr(przesylka, "punktOdbioru", None) is not None
            else svc.POCZTEX_KURIER
        )
    if kind in ("paczkaPocztowaType", "przesylkaPobraniowaType"):
        return svc.PACZKA_POCZTOWA
    return kind


def buffered_shipment(przesylka: Any) -> CarrierShipment:
    """A shipment still in the envelope buffer: it has its number and label, it is not sent yet."""
    reference = getattr(przesylka, "numerPrzesylkiKlienta", None) or getattr(przesylka, "opis", None) or ""
    return CarrierShipment(
        carrier=CARRIER,
        shipment_id=przesylka.guid,
        state=ShipmentState.CONFIRMED,
        waybills=(przesylka.numerNadania,) if przesylka.numerNadania else (),
        service=service_of(przesylka),
        reference=reference,
        raw_status="BUFOR",
    )


def sent_shipment(short: Any, envelope_status: str, id_envelope: int) -> CarrierShipment:
    """A shipment of a sent envelope (getEnvelopeContentShort item): SENT, or FAILED when the envelope
    came back BLEDNY; raw_status keeps both the envelope's and the shipment's status."""
    failed = envelope_status == ENVELOPE_FAILED
    return CarrierShipment(
        carrier=CARRIER,
        shipment_id=short.guid,
        state=ShipmentState.FAILED if failed else ShipmentState.SENT,
        waybills=(short.numerNadania,) if short.numerNadania else (),
        raw_status=f"{envelope_status}/{short.status or ''}#{id_envelope}",
        errors=(f"envelope {id_envelope} is {envelope_status}",) if failed else (),
    )
