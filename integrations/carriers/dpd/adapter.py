"""DpdAdapter: the CarrierPort over DPD Polska's DPDServices SOAP and DPDInfoServices.

Reconciliation. The desk's idempotency key is the package `reference`, DPD's search key: DPD refuses a
second package with the same key as DUPLICATED_PACKAGE_SEARCH_KEY, so sending the same create twice
never makes two packages. DPD's SOAP interface has no operation that reads a package back, so:
- create_shipment() treats a duplicate answer as "already made" and returns that package when the
  answer names it (the fake does, with its waybills; that DPD does is an assumption);
- find_shipment(key) and get_shipment(id) use findPackagesV1, an operation AUTHORED for this project
  (wsdl/DPDPackageRead.wsdl) and served by the fake. Against real DPD it has to be replaced (see the
  package README): the port asks for a read by key alone, which DPD's published interface cannot answer.

Cancel. DPD has no cancel operation for packages: until labels are generated (which advises the parcels)
nothing has been handed to DPD's network and an unadvised package is never collected or billed
(assumed), so the adapter voids it locally (CANCELLED, no request is sent). Once advised: NotCancellable.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import requests

from integrations.carriers import checks, transport
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
from integrations.carriers.dpd import parse, wire
from integrations.carriers.dpd.client import DpdClient, DpdCredentials
from integrations.carriers.dpd.complaints import DpdComplaintsClient
from integrations.carriers.dpd.services import ADDITIONAL, CAPABILITIES
from integrations.carriers.errors import (
    CarrierNotFound,
    CarrierResponseError,
    CarrierValidationError,
    FieldProblem,
    LookupUnsupported,
    NotCancellable,
)

CARRIER = "dpd"
ADVISED = ("ADVISED", "IN_PROTOCOL")


class DpdAdapter:
    """DPD Polska as a CarrierPort; `services_url` is DPDServices' base (the fake's URL in tests)."""

    carrier = CARRIER

    def __init__(
        self,
        services_url: str,
        credentials: DpdCredentials,
        *,
        info_url: str = "",
        points_url: str = "",
        session: requests.Session | None = None,
        timeout: float | tuple[float, float] = transport.DEFAULT_TIMEOUT,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.client = DpdClient(
            services_url=services_url,
            info_url=info_url or services_url,
            points_url=points_url or services_url,
            credentials=credentials,
            session=session,
            timeout=timeout,
        )
        self.complaints = DpdComplaintsClient(
            services_url, credentials.login, credentials.password, credentials.master_fid,
            session=self.client.session, timeout=timeout,
        )
        self._now = now or (lambda: dt.datetime.now(dt.UTC))

    def capabilities(self) -> Capabilities:
        """DPD's services and limits (services.py); no request."""
        return CAPABILITIES

    def validate(self, request: ShipmentRequest) -> None:
        """The common checks plus DPD's own; raises CarrierValidationError, sends nothing."""
        found = checks.check_request(request, CAPABILITIES, receiver_phone=True)
        found += self._own_rules(request)
        checks.raise_if_any(found, carrier=CARRIER)

    @staticmethod
    def _own_rules(request: ShipmentRequest) -> list[FieldProblem]:
        found = checks.check_text(
            "idempotency_key",
            request.idempotency_key,
            max_len=CAPABILITIES.field_limits.reference_max,
            required=True,
        )
        guarantees = [c for c in request.additional_services if ADDITIONAL.get(c, ("",))[0] == "guarantee"]
        if len(guarantees) > 1:  # servicesOpenUMLFeV4 holds one guarantee
            found.append(
                checks.problem(
                    "additional_services",
                    "additional_service_unknown",
                    "only one delivery guarantee",
                    value=",".join(guarantees),
                )
            )
        if request.cod is not None and request.cod.currency != wire.CURRENCY:
            found.append(
                checks.problem("cod.currency", "cod_invalid", "only PLN", value=request.cod.currency)
            )
        for index, parcel in enumerate(request.parcels):
            found += checks.check_text(
                f"parcels[{index}].content", parcel.content, max_len=CAPABILITIES.field_limits.content_max
            )
        return found

    def create_shipment(self, request: ShipmentRequest) -> CarrierShipment:
        """Validate, check the receiver's postcode with DPD, then generate the package numbers once."""
        self.validate(request)
        self._check_postcode(request.receiver)
        package = wire.package(request, fid=self.client.credentials.master_fid)
        answer = self.client.generate_packages_numbers([package])
        shipment = parse.generated_shipment(answer, service=request.service)
        if shipment is None:  # a duplicate that did not name its package: read it back
            shipment = self.find_shipment(request.idempotency_key)
            if shipment is None:
                raise CarrierResponseError("duplicate search key, but no package found", carrier=CARRIER)
        return dataclasses.replace(shipment, service=request.service)

    def _check_postcode(self, receiver: Address) -> None:
        answer = self.client.find_postal_code(wire.postcode_digits(receiver.postcode), receiver.country)
        if answer != parse.OK:
            raise CarrierValidationError(
                [
                    checks.problem(
                        "receiver.postcode",
                        "postcode_unknown",
                        "DPD does not know this postcode",
                        value=receiver.postcode,
                    )
                ],
                carrier=CARRIER,
            )

    def find_shipment(self, idempotency_key: str) -> CarrierShipment | None:
        """The package an earlier create with this key made (its `reference`), or None."""
        packages = self.client.find_packages(reference=idempotency_key)
        return parse.found_shipment(packages[0]) if packages else None

    def get_shipment(self, shipment_id: str) -> CarrierShipment:
        """The package by its DPD id; CarrierNotFound when DPD has none."""
        packages = self.client.find_packages(package_id=_package_id(shipment_id))
        if not packages:
            raise CarrierNotFound(f"no DPD package {shipment_id}", carrier=CARRIER)
        return parse.found_shipment(packages[0])

    def labels(
        self,
        shipment_ids: list[str],
        *,
        format: LabelFormat = LabelFormat.PDF,
        size: LabelSize = LabelSize.A6,
    ) -> Label:
        """Labels of whole packages: PDF on A4 sheets or label-printer pages (A6), or ZPL. Advises them."""
        page = "A4" if format is LabelFormat.PDF and size is LabelSize.A4 else "LBL_PRINTER"
        answer = self.client.generate_labels(
            [_package_id(i) for i in shipment_ids], doc_format=format.value.upper(), page_format=page
        )
        content = parse.document(answer, what="labels")
        if format is LabelFormat.ZPL:
            return Label(content, LabelFormat.ZPL, None, "etykiety-dpd.zpl")
        return Label(content, LabelFormat.PDF, size, "etykiety-dpd.pdf")

    def cancel(self, shipment_id: str) -> CarrierShipment:
        """Void a package whose labels were never generated (locally: DPD has no cancel); afterwards
        NotCancellable."""
        shipment = self.get_shipment(shipment_id)
        if shipment.raw_status in ADVISED:
            raise NotCancellable(f"DPD package {shipment_id} was advised (labels generated)", carrier=CARRIER)
        return dataclasses.replace(shipment, state=ShipmentState.CANCELLED)

    def protocol(self, shipment_ids: list[str]) -> Label | None:
        """The handover protocol (protokół przekazania) of advised packages, as PDF."""
        answer = self.client.generate_protocol([_package_id(i) for i in shipment_ids])
        content = parse.document(answer, what="protocol")
        return Label(content, LabelFormat.PDF, LabelSize.A4, "protokol-dpd.pdf")

    def pickup_windows(
        self, address: Address, day: dt.date, shipment_ids: tuple[str, ...] = ()
    ) -> tuple[PickupWindow, ...]:
        """DPD's courier ranges for the sender's postcode, placed on `day` (Polish time)."""
        answer = self.client.courier_availability(wire.postcode_digits(address.postcode), address.country)
        return parse.windows(answer, day, self._now())

    def order_pickup(self, request: PickupRequest) -> Pickup:
        """Call a courier (packagesPickupCallV4 INSERT); pickup_id is "orderNumber:checkSum"."""
        params = wire.pickup_params(request, fid=self.client.credentials.master_fid)
        return parse.pickup(self.client.pickup_call(params), request.window)

    def find_pickup(self, request: PickupRequest) -> Pickup | None:
        """DPD cannot be asked for a courier call without its orderNumber, which only the lost answer
        carried (packagesPickupCallV4 has no read by our key, digest §2.9)."""
        raise LookupUnsupported("DPD reads a courier call back only by its order number", carrier=CARRIER)

    def cancel_pickup(self, pickup_id: str) -> Pickup:
        """Cancel a courier call (packagesPickupCallV4 CANCEL with its orderNumber and checkSum)."""
        order_number, _, check_sum = pickup_id.partition(":")
        if not order_number or not check_sum.isdigit():
            raise CarrierNotFound(f"not a DPD pickup id: {pickup_id}", carrier=CARRIER)
        params = {"checkSum": int(check_sum), "operationType": "CANCEL", "orderNumber": order_number}
        parse.pickup_status(self.client.pickup_call(params))
        return Pickup(carrier=CARRIER, pickup_id=pickup_id, state="cancelled")

    def tracking(self, waybill: str, *, service: str = "") -> tuple[TrackingEvent, ...]:
        """The waybill's InfoServices events, oldest first (empty while DPD has none)."""
        return parse.events(self.client.events_for_waybill(waybill))

    def points(
        self, *, postcode: str = "", city: str = "", street: str = "", limit: int = 20
    ) -> tuple[Point, ...]:
        """DPD Pickup points near a postcode or city."""
        params = {"zipCode": wire.postcode_digits(postcode), "city": city, "street": street, "limit": limit}
        return parse.points(self.client.points({k: v for k, v in params.items() if v}))

    # -- complaints (ComplaintPort; an AUTHORED interface, see complaints.py) -------------------------
    def file_complaint(self, filing: ComplaintFiling) -> ComplaintReceipt:
        """File once: the key travels as externalId, and the same one again answers the first."""
        return self.complaints.file(filing)

    def complaint_status(self, complaint_id: str, *, since: dt.date) -> ComplaintStatus:
        """The complaint now (read by its number; `since` is not needed)."""
        return self.complaints.status(complaint_id)

    def add_complaint_documents(self, complaint_id: str, documents: tuple[ComplaintDocument, ...]) -> None:
        """Send the documents DPD asked for."""
        self.complaints.add_documents(complaint_id, documents)


def _package_id(shipment_id: str) -> int:
    """A DPD package id is a number; anything else cannot be a DPD shipment."""
    if not shipment_id.strip().isdigit():
        raise CarrierNotFound(f"not a DPD package id: {shipment_id}", carrier=CARRIER)
    return int(shipment_id)
