"""One error tree for every carrier, whatever its dialect (REST 400s, SOAP faults, status enums).

CarrierError
├── CarrierValidationError   the request is wrong; `problems` names each field (checked before sending,
│                            or the carrier's own per-field answer)
├── NotCancellable           the shipment can no longer be cancelled (handed over, bought, or never)
├── CarrierNotFound          no such shipment, pickup or tracking number at the carrier
├── CarrierRefused           the carrier understood and said no (a business rule, not a field)
├── CarrierAuthError         credentials refused: nothing will work until they are fixed
├── CarrierRateLimited       too many requests; `retry_after` seconds when the carrier said
├── CarrierUnavailable       certainly not applied (connection refused, 5xx of a read, 503 before work):
│                            safe to send again later
├── OutcomeUnknown           a write may or may not have been applied (timeout, reset, 5xx after the
│                            send): reconcile by reading (`find_shipment`), never repeat blindly
└── CarrierResponseError     an answer we cannot read
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One wrong field: `field` is a dotted path of the ShipmentRequest (``receiver.postcode``,
    ``parcels[0].weight_g``), `code` a stable key the desk translates (see checks.CODES), `params`
    the numbers the message needs, `message` an English sentence for logs."""

    field: str
    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)


class CarrierError(Exception):
    """Base of every carrier error; `carrier` is the adapter's key (inpost, dpd, poczta, allegro)."""

    def __init__(self, message: str, *, carrier: str = "", raw: Any = None) -> None:
        super().__init__(message)
        self.carrier = carrier
        self.raw = raw  # the carrier's own error body, for logs and support tickets


class CarrierValidationError(CarrierError):
    """Wrong input; each FieldProblem names its field."""

    def __init__(
        self, problems: list[FieldProblem] | tuple[FieldProblem, ...], *, carrier: str = "", raw: Any = None
    ) -> None:
        self.problems = tuple(problems)
        text = "; ".join(f"{p.field}: {p.message}" for p in self.problems) or "invalid request"
        super().__init__(text, carrier=carrier, raw=raw)

    def fields(self) -> set[str]:
        """The names of the fields found wrong."""
        return {problem.field for problem in self.problems}


class NotCancellable(CarrierError):
    """The carrier no longer allows cancelling this shipment."""


class CarrierNotFound(CarrierError):
    """The shipment, pickup or tracking number is unknown to the carrier."""


class CarrierRefused(CarrierError):
    """A business refusal that is not about one field (e.g. a pickup window the carrier does not serve)."""


class CarrierAuthError(CarrierError):
    """The carrier refused our credentials."""


class CarrierRateLimited(CarrierError):
    """Too many requests; wait `retry_after` seconds (None when the carrier did not say)."""

    def __init__(
        self, message: str, *, carrier: str = "", retry_after: float | None = None, raw: Any = None
    ) -> None:
        super().__init__(message, carrier=carrier, raw=raw)
        self.retry_after = retry_after


class CarrierUnavailable(CarrierError):
    """The request was certainly not applied; sending it again later is safe."""


class OutcomeUnknown(CarrierError):
    """A write may have been applied: confirm by reading before anything is sent again."""


class LookupUnsupported(CarrierError):
    """The carrier offers no way to read this back (a courier call by our key): a person must ask it."""


class CarrierResponseError(CarrierError):
    """The carrier answered something we cannot read."""
