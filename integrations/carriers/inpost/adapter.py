"""The InPost ShipX adapter: CarrierPort over the ShipX REST API (digest §1).

Creating is asynchronous at InPost: the POST answers 201 with status `created` and ShipX prepares
offers, buys one and assigns the 24-digit tracking number in the background. So create_shipment()
returns a PENDING shipment at once and get_shipment() is polled until it is CONFIRMED. Prepaid
accounts stop at `offers_prepared` until an offer is bought: buy_offer() does it, and with
`auto_buy=True` get_shipment() buys the cheapest available offer itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import requests

from integrations.carriers import checks, documents, transport
from integrations.carriers.base import (
    Address,
    Capabilities,
    CarrierShipment,
    Label,
    LabelFormat,
    LabelSize,
    Pickup,
    PickupRequest,
    PickupWindow,
    Point,
    ShipmentRequest,
    ShipmentState,
    TrackingEvent,
)
from integrations.carriers.complaints import (
    ComplaintDocument,
    ComplaintFiling,
    ComplaintReceipt,
    ComplaintStatus,
)
from integrations.carriers.errors import CarrierRefused, CarrierValidationError, FieldProblem
from integrations.carriers.inpost import complaints, parse, pickup, wire
from integrations.carriers.inpost.client import ShipXClient
from integrations.carriers.inpost.services import (
    CAPABILITIES,
    CARRIER,
    LOCKER_SERVICES,
    REFERENCE_MIN,
    TEMPLATE_SERVICES,
    TEMPLATES,
    template_fits,
)

DEAD_DISPATCH = ("canceled", "rejected")  # dispatch orders that bring no courier (digest §1.10)
FIND_PAGES = 5  # how many pages of recent shipments find_shipment() reads when the filter is ignored
FIND_PER_PAGE = 100


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class InPostAdapter:
    """CarrierPort for InPost ShipX, for one organization.

    `base_url` is ShipX's host (prod, sandbox or a fake), `token` the organization's API token,
    `organization_id` its number. `auto_buy` lets get_shipment() buy the cheapest offer of a shipment
    waiting at `offers_prepared` (prepaid accounts); `now` is the clock for pickup windows.
    """

    carrier = CARRIER

    def __init__(
        self,
        base_url: str,
        token: str,
        organization_id: str | int,
        *,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = transport.DEFAULT_TIMEOUT,
        auto_buy: bool = False,
        now: Callable[[], dt.datetime] = _utcnow,
    ) -> None:
        self.client = ShipXClient(base_url, token, organization_id, session=session, timeout=timeout)
        self.auto_buy = auto_buy
        self.find_per_page = FIND_PER_PAGE
        self._now = now

    def capabilities(self) -> Capabilities:
        """InPost's services and limits (known here; no request)."""
        return CAPABILITIES

    # -- shipments -----------------------------------------------------------------------------------
    def validate(self, request: ShipmentRequest) -> None:
        """The common checks plus InPost's own: reference 3-100 characters when given, a mobile
        phone for locker notices, and a parcel that fits its template."""
        locker = request.service in LOCKER_SERVICES
        found = checks.check_request(request, CAPABILITIES, receiver_phone=True, receiver_email=locker)
        found += self._own_problems(request, locker=locker)
        checks.raise_if_any(found, carrier=CARRIER)

    @staticmethod
    def _own_problems(request: ShipmentRequest, *, locker: bool) -> list[FieldProblem]:
        found: list[FieldProblem] = []
        reference = request.reference.strip()
        if reference and len(reference) < REFERENCE_MIN:
            found.append(
                checks.problem("reference", "too_short", f"shorter than {REFERENCE_MIN} characters", min=3)
            )
        phone = request.receiver.phone
        valid = phone.strip() and not checks.check_phone("receiver.phone", phone, required=True)
        if locker and valid and not checks.is_mobile(phone):  # the locker code goes by SMS
            found.append(checks.problem("receiver.phone", "phone_invalid", "must be a mobile number"))
        for index, parcel in enumerate(request.parcels):
            known = (
                parcel.template in TEMPLATES
                and min(parcel.sides_mm) > 0
                and request.service in TEMPLATE_SERVICES
            )
            if known and not template_fits(parcel.template, parcel.sides_mm):
                found.append(
                    checks.problem(
                        f"parcels[{index}].dimensions",
                        "too_big",
                        f"does not fit the {parcel.template} template",
                        template=parcel.template,
                    )
                )
        return found

    def create_shipment(self, request: ShipmentRequest) -> CarrierShipment:
        """Validate, then POST once; the answer is PENDING (poll get_shipment). A lost answer raises
        OutcomeUnknown: find_shipment(request.idempotency_key) tells whether it was applied."""
        self.validate(request)
        body = wire.shipment_body(request)
        return parse.shipment(self.client.create_shipment(body))

    def find_shipment(self, idempotency_key: str) -> CarrierShipment | None:
        """The shipment whose external_customer_id is the key, or None. The list is asked with the
        `external_customer_id` filter (as third-party clients use it) and every item is still
        matched here, paging through recent shipments in case the filter is not applied."""
        matches: list[dict[str, Any]] = []
        for page in range(1, FIND_PAGES + 1):
            listing = self.client.list_shipments(
                page=page, per_page=self.find_per_page, external_customer_id=idempotency_key
            )
            items = listing.get("items") or []
            matches += [item for item in items if item.get("external_customer_id") == idempotency_key]
            if matches or page >= int(listing.get("total_pages") or 1) or not items:
                break
        if not matches:
            return None
        # two would mean a duplicate slipped through: prefer one still alive, then the oldest
        alive = [item for item in matches if item.get("status") != "canceled"] or matches
        return parse.shipment(min(alive, key=lambda item: str(item.get("created_at") or item["id"])))

    def get_shipment(self, shipment_id: str) -> CarrierShipment:
        """The shipment now; with auto_buy, one waiting at offers_prepared gets its cheapest offer bought."""
        body = self.client.get_shipment(shipment_id)
        if self.auto_buy and body.get("status") == "offers_prepared":
            offer = parse.available_offer(body)
            if offer is not None:
                return parse.shipment(self.client.buy(shipment_id, offer))
        return parse.shipment(body)

    def buy_offer(self, shipment_id: str, offer_id: str | None = None) -> CarrierShipment:
        """Buy an offer (the cheapest available one when `offer_id` is None); CarrierRefused when
        none is available yet. ShipX answers `invalid_action` when the shipment is past buying."""
        if offer_id is None:
            offer_id = parse.available_offer(self.client.get_shipment(shipment_id))
            if offer_id is None:
                raise CarrierRefused("no available offer to buy yet", carrier=CARRIER)
        return parse.shipment(self.client.buy(shipment_id, offer_id))

    def cancel(self, shipment_id: str) -> CarrierShipment:
        """DELETE the shipment; NotCancellable once its offer is bought (ShipX `invalid_action`)."""
        self.client.cancel(shipment_id)
        return CarrierShipment(CARRIER, shipment_id, ShipmentState.CANCELLED, raw_status="canceled")

    # -- documents -----------------------------------------------------------------------------------
    def labels(
        self,
        shipment_ids: list[str],
        *,
        format: LabelFormat = LabelFormat.PDF,
        size: LabelSize = LabelSize.A6,
    ) -> Label:
        """One document: one shipment by its label endpoint, many by the organization's bulk labels.
        ZPL labels are always A6 thermal labels, so `size` only matters for PDF."""
        if not shipment_ids:
            raise ValueError("no shipments")
        wire_format = "Zpl" if format is LabelFormat.ZPL else "Pdf"
        wire_type = "normal" if (size is LabelSize.A4 and format is LabelFormat.PDF) else "A6"
        if len(shipment_ids) == 1:
            response = self.client.label(shipment_ids[0], format=wire_format, type=wire_type)
        else:
            response = self.client.labels(shipment_ids, format=wire_format, type=wire_type)
        extension = "zpl" if format is LabelFormat.ZPL else "pdf"
        label_size = None if format is LabelFormat.ZPL else size
        return Label(response.content, format, label_size, f"inpost-{'-'.join(shipment_ids[:3])}.{extension}")

    def merged_labels(self, shipment_ids: list[str], *, size: LabelSize = LabelSize.A6) -> Label:
        """One PDF from the shipments' own A6 labels, merged here (for when the bulk endpoint is
        not available to an account)."""
        singles = [self.labels([shipment_id]) for shipment_id in shipment_ids]
        return documents.merge_labels(singles, size)

    def protocol(self, shipment_ids: list[str]) -> Label | None:
        """The dispatch printout (handover protocol) of the shipments as PDF."""
        response = self.client.dispatch_printout(shipment_ids)
        return Label(response.content, LabelFormat.PDF, LabelSize.A4, "inpost-protokol.pdf")

    # -- pickups -------------------------------------------------------------------------------------
    def pickup_windows(
        self, address: Address, day: dt.date, shipment_ids: tuple[str, ...] = ()
    ) -> tuple[PickupWindow, ...]:
        """Computed, not asked: ShipX has no proposals endpoint (see pickup.py)."""
        return pickup.windows_for(day, CAPABILITIES.pickup_hours, now=self._now)

    def order_pickup(self, request: PickupRequest) -> Pickup:
        """A dispatch order for the shipments at the address. ShipX takes no time and verifies the
        order later (`new` -> `sent` -> `accepted` | `rejected`): poll get_pickup()."""
        if not request.shipment_ids:
            problem = checks.problem("shipment_ids", "required", "a dispatch order needs shipments")
            raise CarrierValidationError([problem], carrier=CARRIER)
        return parse.pickup(self.client.create_dispatch_order(wire.dispatch_order_body(request)))

    def find_pickup(self, request: PickupRequest) -> Pickup | None:
        """The dispatch order an earlier call for these shipments produced, or None. ShipX keeps no key
        of ours on a dispatch order, so a live one (not canceled or rejected) holding any of the
        request's shipments is it: either way a courier is already coming for them."""
        wanted = set(request.shipment_ids)
        for page in range(1, FIND_PAGES + 1):
            listing = self.client.list_dispatch_orders(page=page, per_page=self.find_per_page)
            items = listing.get("items") or []
            for item in items:
                held = {str(shipment.get("id")) for shipment in item.get("shipments") or []}
                if item.get("status") not in DEAD_DISPATCH and wanted & held:
                    return parse.pickup(item)
            if page >= int(listing.get("total_pages") or 1) or not items:
                break
        return None

    def get_pickup(self, pickup_id: str) -> Pickup:
        """The dispatch order's status now."""
        return parse.pickup(self.client.get_dispatch_order(pickup_id))

    # -- complaints (ComplaintPort; an AUTHORED interface, see complaints.py) -------------------------
    def file_complaint(self, filing: ComplaintFiling) -> ComplaintReceipt:
        """File once: the key travels as external_id, and the same one again answers the first."""
        return complaints.receipt(self.client.file_complaint(complaints.filing_body(filing)))

    def complaint_status(self, complaint_id: str, *, since: dt.date) -> ComplaintStatus:
        """The complaint now (`since` is not needed: ShipX-style reads are by id)."""
        return complaints.status(self.client.get_complaint(complaint_id))

    def add_complaint_documents(self, complaint_id: str, documents: tuple[ComplaintDocument, ...]) -> None:
        """Send the documents the carrier asked for."""
        self.client.add_complaint_attachments(complaint_id, complaints.documents_body(documents))

    # -- public data ---------------------------------------------------------------------------------
    def tracking(self, waybill: str, *, service: str = "") -> tuple[TrackingEvent, ...]:
        """The public tracking of a 24-digit number, oldest first, mapped via status.map_code."""
        return parse.tracking_events(self.client.tracking(waybill))

    def points(
        self, *, postcode: str = "", city: str = "", street: str = "", limit: int = 20
    ) -> tuple[Point, ...]:
        """Lockers and PaczkoPunkty by postcode and/or city; `street` narrows down here."""
        params: dict[str, Any] = {"per_page": limit}
        if postcode:
            params["post_code"] = postcode
        if city:
            params["city"] = city
        found = [parse.point(item) for item in self.client.points(**params).get("items") or []]
        if street:
            found = [item for item in found if street.lower() in item.street.lower()]
        return tuple(found[:limit])
