"""AllegroDeliveryCarrier: 'Wysyłam z Allegro' behind the carrier port (carrier key "allegro").

A create is a command whose id is the request's `idempotency_key`: the POST is sent once, then its
status is polled (Retry-After, at most 45 s). A POST without an answer is OutcomeUnknown, and
`find_shipment(key)` reads the command's status to learn what happened; a second create with the
same key finds the command already received (COMMAND_EXISTS) and polls it instead of ordering
twice. Errors Allegro reports in a command status become CarrierValidationError (field paths
translated to the request's) or CarrierRefused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
import uuid
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo

from integrations.allegro import carrier_rules as rules
from integrations.allegro.carrier_wire import address_dto, shipment_input
from integrations.allegro.client import AllegroClient
from integrations.allegro.client_shipments import COMMAND_EXISTS, CommandStillInProgress
from integrations.allegro.errors import (
    AllegroConnectionError,
    AllegroError,
    AllegroHTTPError,
    AllegroOutcomeUnknown,
    AllegroResponseError,
    AuthError,
    BadRequest,
    Forbidden,
    NotFound,
    RateLimited,
    ServerError,
    Unauthorized,
)
from integrations.allegro.models_shipments import ERROR, CommandStatus, WzaShipment
from integrations.carriers import checks, errors
from integrations.carriers.base import (
    Address,
    Capabilities,
    CarrierShipment,
    CodSink,
    Label,
    LabelFormat,
    LabelSize,
    Pickup,
    PickupRequest,
    PickupWindow,
    Point,
    PointKind,
    ShipmentRequest,
    ShipmentState,
    TrackingEvent,
)

KEY = rules.CARRIER_KEY
WARSAW = ZoneInfo("Europe/Warsaw")
# Allegro's field paths -> the request's dotted paths
_FIELDS = {
    "referenceNumber": "reference",
    "receiver.email": "receiver.email",
    "receiver.point": "target_point",
    "sender.point": "dropoff_point",
    "cashOnDelivery.iban": "cod.iban",
    "cashOnDelivery.amount": "cod.amount",
    "insurance.amount": "insurance",
    "packages": "parcels",
}


class AllegroDeliveryCarrier:
    """CarrierPort for 'Wysyłam z Allegro', over an AllegroClient of the seller's account."""

    carrier = KEY

    def __init__(
        self,
        client: AllegroClient,
        *,
        label_format: LabelFormat = LabelFormat.PDF,
        sleep: Callable[[float], None] = time.sleep,
        poll_limit: float = 45.0,
    ) -> None:
        self._client = client
        self._label_format = label_format
        self._sleep = sleep
        self._poll_limit = poll_limit
        self._carrier_of_waybill: dict[str, str] = {}  # learnt from shipments, for tracking()

    def capabilities(self) -> Capabilities:
        """Services per Allegro carrier, field limits, COD into the Allegro wallet."""
        return rules.capabilities()

    def validate(self, request: ShipmentRequest) -> None:
        """The common checks plus WzA's: per-carrier reference length, the buyer's Allegro e-mail
        alias as receiver, COD only into the wallet (no IBAN)."""
        found = checks.check_request(request, self.capabilities(), receiver_email=True)
        limit = rules.REFERENCE_MAX.get(request.service, 36)
        if len(request.reference) > limit:
            found.append(checks.problem("reference", "too_long", f"longer than {limit}", max=limit))
        email = request.receiver.email.strip().lower()
        if email and not email.endswith("@allegromail.pl"):
            found.append(
                checks.problem("receiver.email", "email_invalid", "must be the buyer's Allegro alias")
            )
        if request.cod is not None and (request.cod.sink is not CodSink.ALLEGRO_WALLET or request.cod.iban):
            found.append(
                checks.problem("cod.iban", "cod_invalid", "WzA pays COD into the Allegro wallet only")
            )
        checks.raise_if_any(found, carrier=KEY)

    def create_shipment(self, request: ShipmentRequest) -> CarrierShipment:
        """Validate, send the create command once under `idempotency_key`, poll its status."""
        self.validate(request)
        body = shipment_input(request, self._label_format)
        with _mapped(write=True):
            try:
                self._client.create_shipment_command(request.idempotency_key, body)
            except BadRequest as exc:
                if exc.code != COMMAND_EXISTS:
                    raise
            status = self._wait("create", request.idempotency_key)
        if status.status == ERROR:
            raise _command_failure(status)
        return self.get_shipment(status.result_id or "")

    def find_shipment(self, idempotency_key: str) -> CarrierShipment | None:
        """What the create command with this id produced; None when Allegro never received it."""
        with _mapped(write=False):
            try:
                status = self._client.get_shipment_command(idempotency_key)
            except NotFound:
                return None
        if status.status == ERROR:
            reasons = tuple(f"{e.code}: {e.message}" for e in status.errors)
            return CarrierShipment(KEY, "", ShipmentState.FAILED, raw_status=ERROR, errors=reasons)
        if not status.done or not status.result_id:
            return CarrierShipment(KEY, "", ShipmentState.PENDING, raw_status=status.status)
        return self.get_shipment(status.result_id)

    def get_shipment(self, shipment_id: str) -> CarrierShipment:
        """The shipment's details (CONFIRMED with waybills, or CANCELLED)."""
        with _mapped(write=False):
            found = self._client.get_wza_shipment(shipment_id)
        return self._shipment(found)

    def labels(
        self,
        shipment_ids: list[str],
        *,
        format: LabelFormat = LabelFormat.PDF,
        size: LabelSize = LabelSize.A6,
    ) -> Label:
        """One document; its format is the one chosen at creation (Allegro cannot convert), so the
        bytes decide. CarrierRefused when Allegro has no label (204)."""
        with _mapped(write=False):
            content = self._client.get_labels(shipment_ids, page_size=size.value)
        if content is None:
            raise errors.CarrierRefused("no label for these shipments", carrier=KEY)
        if content.startswith(b"%PDF"):
            return Label(content, LabelFormat.PDF, size, "etykiety.pdf")
        if content.lstrip().startswith(b"^XA"):
            return Label(content, LabelFormat.ZPL, None, "etykiety.zpl")
        raise errors.CarrierResponseError(
            "label is neither PDF nor ZPL (a ZIP of mixed formats?)", carrier=KEY
        )

    def cancel(self, shipment_id: str) -> CarrierShipment:
        """Cancel through a cancel command; NotCancellable for Allegro One and after handover."""
        shipment = self.get_shipment(shipment_id)
        if shipment.service in rules.NOT_CANCELLABLE:
            raise errors.NotCancellable(f"{shipment.service} shipments cannot be cancelled", carrier=KEY)
        command_id = str(uuid.uuid4())  # cancelling twice is harmless, so a fresh id per attempt
        with _mapped(write=True):
            self._client.cancel_shipment_command(command_id, shipment_id)
            status = self._wait("cancel", command_id)
        if status.status == ERROR:
            codes = {e.code for e in status.errors}
            text = "; ".join(f"{e.code}: {e.message}" for e in status.errors)
            if codes & rules.CANCEL_REFUSALS:
                raise errors.NotCancellable(text, carrier=KEY, raw=text)
            raise errors.CarrierRefused(text or "cancel failed", carrier=KEY, raw=text)
        return self.get_shipment(shipment_id)

    def protocol(self, shipment_ids: list[str]) -> Label | None:
        """The handover protocol, or None where the carrier has none (204)."""
        with _mapped(write=False):
            content = self._client.get_protocol(shipment_ids)
        return None if content is None else Label(content, LabelFormat.PDF, LabelSize.A4, "protokol.pdf")

    def pickup_windows(
        self, address: Address, day: dt.date, shipment_ids: tuple[str, ...] = ()
    ) -> tuple[PickupWindow, ...]:
        """The windows Allegro proposes for the shipments (it proposes for given shipments only)."""
        if not shipment_ids:
            raise errors.CarrierRefused("Allegro proposes pickup times for given shipments only", carrier=KEY)
        return self.pickup_windows_for(list(shipment_ids), address, day)

    def pickup_windows_for(
        self, shipment_ids: list[str], address: Address, day: dt.date
    ) -> tuple[PickupWindow, ...]:
        """The windows Allegro proposes for all of the shipments from `day` on."""
        with _mapped(write=False):
            proposals = self._client.get_pickup_proposals(shipment_ids, address_dto(address), day)
        windows: set[tuple[dt.date, str, str]] = set()
        for index, proposal in enumerate(proposals):
            times = {(t.date, t.min_time or "00:00", t.max_time or "23:59") for t in proposal.times}
            windows = times if index == 0 else windows & times
        return tuple(_window(*w) for w in sorted(windows))

    def order_pickup(self, request: PickupRequest) -> Pickup:
        """A pickup command for the shipments at the proposed window; the key is the command id."""
        start = request.window.start.astimezone(WARSAW)
        end = request.window.end.astimezone(WARSAW)
        pickup_time = {
            "date": start.date().isoformat(),
            "minTime": f"{start:%H:%M}",
            "maxTime": f"{end:%H:%M}",
        }
        command_id = request.idempotency_key or str(uuid.uuid4())
        with _mapped(write=True):
            try:
                self._client.create_pickup_command(
                    command_id, request.shipment_ids, address_dto(request.address), pickup_time
                )
            except BadRequest as exc:
                if exc.code != COMMAND_EXISTS:
                    raise
            status = self._wait("pickup", command_id)
        if status.status == ERROR:
            raise _command_failure(status)
        return Pickup(KEY, status.result_id or "", "ordered", request.window)

    def find_pickup(self, request: PickupRequest) -> Pickup | None:
        """What the pickup command with the request's key (its command id) produced: None when Allegro
        never received it or refused it; OutcomeUnknown while it is still in progress."""
        with _mapped(write=False):
            try:
                status = self._client.get_pickup_command(request.idempotency_key)
            except NotFound:
                return None
        if status.status == ERROR:
            return None
        if not status.done:
            raise errors.OutcomeUnknown(f"pickup command {request.idempotency_key} in progress", carrier=KEY)
        return Pickup(KEY, status.result_id or "", "ordered", request.window)

    def tracking(self, waybill: str, *, service: str = "") -> tuple[TrackingEvent, ...]:
        """Events of a waybill. Allegro's tracking needs the carrier id, which is the shipment's service
        here; without it, the carrier of a shipment this adapter has read, else "ALLEGRO"."""
        carrier_id = service or self._carrier_of_waybill.get(waybill, "ALLEGRO")
        return self.tracking_for(carrier_id, waybill)

    def tracking_for(self, carrier_id: str, waybill: str) -> tuple[TrackingEvent, ...]:
        """Events of a waybill of `carrier_id` (ShipmentDto.carrier), mapped onto the lifecycle."""
        with _mapped(write=False):
            histories = self._client.get_parcel_tracking(carrier_id, [waybill])
        events = []
        for history in histories:
            for status in history.statuses:
                state, known = rules.tracking_state(status.code)
                events.append(
                    TrackingEvent(
                        status.code,
                        status.description or "",
                        status.occurred_at,
                        state,
                        known,
                        waybill=history.waybill,
                    )
                )
        return tuple(events)

    def points(
        self, *, postcode: str = "", city: str = "", street: str = "", limit: int = 20
    ) -> tuple[Point, ...]:
        """Allegro's own pickup/drop-off points, filtered here by postcode, city and street."""
        with _mapped(write=False):
            found = self._client.list_allegro_points()
        chosen = [
            p
            for p in found
            if (not postcode or (p.postcode or "") == postcode)
            and (not city or (p.city or "").casefold() == city.casefold())
            and (not street or street.casefold() in (p.street or "").casefold())
        ]
        return tuple(
            Point(
                KEY,
                p.id,
                PointKind.LOCKER if p.type == "APM" else PointKind.PICKUP_POINT,
                p.name or p.id,
                p.street or "",
                p.city or "",
                p.postcode or "",
                p.latitude,
                p.longitude,
                description=p.description or "",
                can_send="DROPOFF" in p.services,
                can_collect="PICKUP" in p.services,
            )
            for p in chosen[:limit]
        )

    # --- helpers ------------------------------------------------------------------------------

    def _wait(self, kind: str, command_id: str) -> CommandStatus:
        try:
            return self._client.wait_for_command(kind, command_id, sleep=self._sleep, limit=self._poll_limit)
        except CommandStillInProgress as exc:
            raise errors.OutcomeUnknown(
                f"{kind} command {command_id} unknown after {self._poll_limit:.0f} s: read it again later",
                carrier=KEY,
            ) from exc

    def _shipment(self, found: WzaShipment) -> CarrierShipment:
        for waybill in found.waybills:
            if found.carrier:
                self._carrier_of_waybill[waybill] = found.carrier
        state = ShipmentState.CANCELLED if found.canceled_at else ShipmentState.CONFIRMED
        return CarrierShipment(
            KEY,
            found.id,
            state,
            found.waybills,
            found.carrier or "",
            found.reference_number or "",
            "CANCELLED" if found.canceled_at else "CREATED",
        )


def _window(day: dt.date, start: str, end: str) -> PickupWindow:
    begin = dt.datetime.combine(day, dt.time.fromisoformat(start), WARSAW)
    return PickupWindow(begin, dt.datetime.combine(day, dt.time.fromisoformat(end), WARSAW))


def _command_failure(status: CommandStatus) -> errors.CarrierError:
    """ERROR in a command status: per-field problems where Allegro named a field, else a refusal."""
    problems = [
        checks.problem(
            _FIELDS.get(e.path or "", e.path or ""), "carrier_rejected", e.message, allegro_code=e.code
        )
        for e in status.errors
        if e.path
    ]
    text = "; ".join(f"{e.code}: {e.message}" for e in status.errors) or "command failed"
    if problems:
        return errors.CarrierValidationError(problems, carrier=KEY, raw=text)
    return errors.CarrierRefused(text, carrier=KEY, raw=text)


@contextlib.contextmanager
def _mapped(*, write: bool) -> Iterator[None]:
    """Allegro's errors onto the carrier error tree."""
    try:
        yield
    except errors.CarrierError:
        raise
    except AllegroOutcomeUnknown as exc:
        raise (errors.OutcomeUnknown if write else errors.CarrierUnavailable)(str(exc), carrier=KEY) from exc
    except AllegroConnectionError as exc:
        raise errors.CarrierUnavailable(str(exc), carrier=KEY) from exc
    except (Unauthorized, Forbidden, AuthError) as exc:
        raise errors.CarrierAuthError(str(exc), carrier=KEY) from exc
    except RateLimited as exc:
        raise errors.CarrierRateLimited(str(exc), carrier=KEY, retry_after=exc.retry_after) from exc
    except ServerError as exc:
        raise (errors.OutcomeUnknown if write else errors.CarrierUnavailable)(str(exc), carrier=KEY) from exc
    except NotFound as exc:
        raise errors.CarrierNotFound(str(exc), carrier=KEY) from exc
    except AllegroHTTPError as exc:
        raise errors.CarrierRefused(str(exc), carrier=KEY, raw=[e.code for e in exc.errors]) from exc
    except AllegroResponseError as exc:
        raise errors.CarrierResponseError(str(exc), carrier=KEY) from exc
    except AllegroError as exc:
        raise errors.CarrierError(str(exc), carrier=KEY) from exc
