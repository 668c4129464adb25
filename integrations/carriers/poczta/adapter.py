"""PocztaAdapter: CarrierPort over Poczta Polska e-Nadawca (SOAP) and Sledzenie (tracking).

How e-Nadawca works (digest §3.2): `addShipment` puts a shipment into the account's envelope buffer, where
it already has its tracking number (`numerNadania`) and label; `sendEnvelope` transmits the whole buffer to
Poczta Polska as one envelope (irreversible), after which the outbox book (książka nadawcza) can be printed.
So: created = CONFIRMED (in the buffer), protocol() sends the envelope and returns the book, SENT after that;
cancel works only while in the buffer. The shipment id is the guid, derived from the desk's idempotency key,
so the buffer and the sent envelopes can be searched for an attempt whose answer was lost.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from integrations.carriers import checks, documents, transport
from integrations.carriers.addresses import WARSAW
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
from integrations.carriers.errors import CarrierNotFound, CarrierRefused, LookupUnsupported, NotCancellable
from integrations.carriers.poczta import build, complaints, parse, points, rules
from integrations.carriers.poczta import services as svc
from integrations.carriers.poczta.client import EnadawcaClient
from integrations.carriers.poczta.sledzenie import PRODUCTION_URL as SLEDZENIE_URL
from integrations.carriers.poczta.sledzenie import SledzenieClient
from integrations.carriers.poczta.wire import guid_for

CARRIER = svc.CARRIER


@dataclass(frozen=True, slots=True)
class _Found:
    """Where a guid was found: the shipment, and the envelope that carries it (None: the buffer)."""

    shipment: CarrierShipment
    id_envelope: int | None


def _warsaw_today() -> dt.date:
    return dt.datetime.now(WARSAW).date()


class PocztaAdapter:
    """Poczta Polska through e-Nadawca. `url` is the e-Nadawca endpoint (en.php of production or test, or
    the fake); `tracking_url` the Sledzenie endpoint with its own UsernameToken account."""

    carrier = CARRIER

    def __init__(
        self,
        url: str,
        login: str,
        password: str,
        *,
        tracking_url: str = SLEDZENIE_URL,
        tracking_username: str = "",
        tracking_password: str = "",
        session: requests.Session | None = None,
        timeout: tuple[float, float] = transport.DEFAULT_TIMEOUT,
        lookback_days: int = 30,
        today: Callable[[], dt.date] = _warsaw_today,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self._client = EnadawcaClient(url, login, password, session=session, timeout=timeout, sleep=sleep)
        self._tracking = SledzenieClient(
            tracking_url, tracking_username, tracking_password, session=session, timeout=timeout, sleep=sleep
        )
        self._lookback = dt.timedelta(days=lookback_days)
        self._today = today
        self._now = now or (lambda: dt.datetime.now(WARSAW))
        self._reasons: list[Any] | None = None  # getListaPowodowReklamacji, read once
        self._caps = svc.capabilities()

    # -- shipments --------------------------------------------------------------------------------
    def capabilities(self) -> Capabilities:
        """The services and limits (known locally, no request)."""
        return self._caps

    def validate(self, request: ShipmentRequest) -> None:
        """The common checks plus e-Nadawca's own field rules; raises before any request."""
        found = checks.check_request(request, self._caps)
        found += rules.extra_problems(request)
        checks.raise_if_any(found, carrier=CARRIER)

    def create_shipment(self, request: ShipmentRequest) -> CarrierShipment:
        """addShipment into the buffer with the guid of the idempotency key. A guid e-Nadawca already has
        means an earlier attempt landed: that shipment is returned, nothing is added twice."""
        self.validate(request)
        guid = guid_for(request.idempotency_key)
        retval = self._client.add_shipment([build.przesylka(self._client.types, request)])
        item = next((entry for entry in retval if entry.guid == guid), None)
        errors = list(item.error or []) if item is not None else []
        if any(error.errorNumber == parse.DUPLICATE_GUID for error in errors):
            earlier = self.find_shipment(request.idempotency_key)
            if earlier is not None:
                return earlier
        parse.raise_for_shipment_errors(errors)
        if item is None or not item.numerNadania:
            raise CarrierRefused("addShipment answered without a number", carrier=CARRIER, raw=retval)
        return CarrierShipment(
            carrier=CARRIER,
            shipment_id=guid,
            state=ShipmentState.CONFIRMED,
            waybills=(item.numerNadania,),
            service=request.service,
            reference=request.reference,
            raw_status="BUFOR",
        )

    def find_shipment(self, idempotency_key: str) -> CarrierShipment | None:
        """The shipment of that key in the buffer or in an envelope sent within `lookback_days`."""
        found = self._locate([guid_for(idempotency_key)])
        return next((where.shipment for where in found.values()), None)

    def get_shipment(self, shipment_id: str) -> CarrierShipment:
        """Buffer (CONFIRMED) or sent envelope (SENT, FAILED when the envelope is BLEDNY)."""
        found = self._locate([shipment_id])
        if shipment_id not in found:
            raise CarrierNotFound(f"no e-Nadawca shipment {shipment_id}", carrier=CARRIER)
        return found[shipment_id].shipment

    def _locate(self, guids: list[str]) -> dict[str, _Found]:
        """Search the buffer, then the envelopes sent lately (getEnvelopeList + getEnvelopeContentShort,
        the envelope's current status by getEnvelopeStatus)."""
        wanted = set(guids)
        bufor = self._client.get_envelope_bufor()
        parse.raise_for_errors(parse.errors_of(bufor), what="getEnvelopeBufor")
        found = {
            p.guid: _Found(parse.buffered_shipment(p), None)
            for p in (bufor.przesylka or [])
            if p.guid in wanted
        }
        if wanted <= found.keys():
            return found
        today = self._today()
        envelopes = self._client.get_envelope_list(today - self._lookback, today)
        for envelope in sorted(envelopes, key=lambda e: e.idEnvelope or 0, reverse=True):
            content = self._client.get_envelope_content_short(envelope.idEnvelope)
            matches = [short for short in content if short.guid in wanted and short.guid not in found]
            if not matches:
                continue
            answer = self._client.get_envelope_status(envelope.idEnvelope)
            state = answer.envelopeStatus or envelope.envelopeStatus or ""
            for short in matches:
                found[short.guid] = _Found(
                    parse.sent_shipment(short, state, envelope.idEnvelope), envelope.idEnvelope
                )
            if wanted <= found.keys():
                break
        return found

    def labels(
        self,
        shipment_ids: list[str],
        *,
        format: LabelFormat = LabelFormat.PDF,
        size: LabelSize = LabelSize.A6,
    ) -> Label:
        """PDF: getAddresLabelByGuid (one A6 PDF per parcel, merged, four to a page for A4).
        ZPL: getPrintForParcel with ZPL_FORMAT (203 dpi), all parcels in one file."""
        if format is LabelFormat.ZPL:
            answer = self._client.get_print_for_parcel(list(shipment_ids), format="ZPL_FORMAT")
            parse.raise_for_errors(parse.errors_of(answer), what="getPrintForParcel")
            content = b"".join(result.print for result in answer.printResult or [] if result.print)
            return Label(content, LabelFormat.ZPL, None, "etykiety.zpl")
        answer = self._client.get_addres_label_by_guid(list(shipment_ids))
        parse.raise_for_errors(parse.errors_of(answer), what="getAddresLabelByGuid")
        pages = [Label(item.pdfContent, LabelFormat.PDF, LabelSize.A6) for item in answer.content or []]
        if not pages:
            raise CarrierNotFound("no labels for these shipments", carrier=CARRIER)
        return documents.merge_labels(pages, size)

    def cancel(self, shipment_id: str) -> CarrierShipment:
        """clearEnvelopeByGuids while the shipment is in the buffer; NotCancellable once sent."""
        found = self._locate([shipment_id]).get(shipment_id)
        if found is None:
            raise CarrierNotFound(f"no e-Nadawca shipment {shipment_id}", carrier=CARRIER)
        if found.id_envelope is not None:
            raise NotCancellable(
                f"shipment {shipment_id} left in envelope {found.id_envelope}", carrier=CARRIER
            )
        errors = self._client.clear_envelope_by_guids([shipment_id])
        parse.raise_for_errors(errors, what="clearEnvelopeByGuids")
        return CarrierShipment(
            carrier=CARRIER,
            shipment_id=shipment_id,
            state=ShipmentState.CANCELLED,
            waybills=found.shipment.waybills,
            service=found.shipment.service,
            reference=found.shipment.reference,
            raw_status="USUNIETA",
        )

    def clear_buffer(self) -> bool:
        """clearEnvelope: remove every shipment not sent yet (the whole buffer). True when e-Nadawca did."""
        answer = self._client.clear_envelope()
        parse.raise_for_errors(parse.errors_of(answer), what="clearEnvelope")
        return bool(answer.retval)

    def protocol(self, shipment_ids: list[str]) -> Label | None:
        """Send the envelope when a shipment is still in the buffer, then the outbox book(s) of the
        envelope(s) holding the shipments. sendEnvelope transmits the WHOLE buffer: shipments waiting
        beside the asked ones leave with them (e-Nadawca has no partial send short of moving the others
        to a second buffer first). A retry after an unknown outcome finds them sent and does not send
        again."""
        found = self._locate(list(shipment_ids))
        missing = [guid for guid in shipment_ids if guid not in found]
        if missing:
            raise CarrierNotFound(f"no e-Nadawca shipment {', '.join(missing)}", carrier=CARRIER)
        envelopes = {where.id_envelope for where in found.values() if where.id_envelope is not None}
        if any(where.id_envelope is None for where in found.values()):
            sent = self._client.send_envelope()
            parse.raise_for_errors(parse.errors_of(sent), what="sendEnvelope")
            envelopes.add(sent.idEnvelope)
        books = []
        for id_envelope in sorted(envelopes):
            answer = self._client.get_outbox_book(id_envelope)
            parse.raise_for_errors(parse.errors_of(answer), what="getOutboxBook")
            books.append(answer.pdfContent)
        content = books[0] if len(books) == 1 else documents.merge_pdfs(books)
        return Label(content, LabelFormat.PDF, LabelSize.A4, "ksiazka-nadawcza.pdf")

    # -- courier, tracking, points ------------------------------------------------------------------
    def pickup_windows(
        self, address: Address, day: dt.date, shipment_ids: tuple[str, ...] = ()
    ) -> tuple[PickupWindow, ...]:
        """e-Nadawca has no availability call: working days from today, the pickup hours of Capabilities."""
        if day < self._today() or day.weekday() >= 5:
            return ()
        start, end = self._caps.pickup_hours
        return (
            PickupWindow(
                start=dt.datetime.combine(day, start, tzinfo=WARSAW),
                end=dt.datetime.combine(day, end, tzinfo=WARSAW),
            ),
        )

    def order_pickup(self, request: PickupRequest) -> Pickup:
        """zamowKuriera: it answers only errors (no order number), so the pickup id is derived from the
        request's idempotency key and the window is the one asked for."""
        errors = self._client.zamow_kuriera(**rules.pickup_fields(self._client.types, request))
        parse.raise_for_errors(errors, what="zamowKuriera")
        key = request.idempotency_key or f"{request.address.postcode}|{request.window.start.isoformat()}"
        return Pickup(
            carrier=CARRIER, pickup_id=f"ZK-{guid_for(key)[:16]}", state="ordered", window=request.window
        )

    def find_pickup(self, request: PickupRequest) -> Pickup | None:
        """e-Nadawca has no operation that reads a courier order back (zamowKuriera answers only errors,
        digest §3.2)."""
        raise LookupUnsupported("e-Nadawca cannot read a courier order back", carrier=CARRIER)

    def tracking(self, waybill: str, *, service: str = "") -> tuple[TrackingEvent, ...]:
        """Sledzenie sprawdzPrzesylke, each event mapped through status.map_code("poczta", kod)."""
        return self._tracking.track(waybill)

    def points(
        self, *, postcode: str = "", city: str = "", street: str = "", limit: int = 20
    ) -> tuple[Point, ...]:
        """Post offices and Orlen points (getPlacowkiPocztowe, asked per voivodeship) nearest first."""
        placowki: list[Any] = []
        for code in points.voivodeships(postcode):
            placowki += self._client.get_placowki_pocztowe(code)
        return points.pick(placowki, postcode=postcode, city=city, street=street, limit=limit)

    # -- complaints (ComplaintPort over e-Nadawca's reklamacje, see complaints.py) --------------------
    def file_complaint(self, filing: ComplaintFiling) -> ComplaintReceipt:
        """addReklamacje for the parcel (its guid is the key: filed again, the first complaint answers),
        then its files, five a call. e-Nadawca gives no receipt time: the adapter's clock is used."""
        if self._reasons is None:
            self._reasons = self._client.get_lista_powodow_reklamacji()
        reason = complaints.reason_for(self._reasons, filing.kind)
        types = self._client.types
        answer = self._client.add_reklamacje([complaints.reklamacja(types, filing, reason)])
        complaint_id = complaints.complaint_id_of(answer, filing.shipment_id)
        self.add_complaint_documents(complaint_id, filing.documents)
        return ComplaintReceipt(CARRIER, complaint_id, self._now(), "")

    def complaint_status(self, complaint_id: str, *, since: dt.date) -> ComplaintStatus:
        """The newest getReklamacje entry of the complaint among the days from `since` to today."""
        latest = None
        for day in complaints.days(since, self._today()):
            for entry in self._client.get_reklamacje(day):
                if str(entry.idReklamacja) == complaint_id:
                    latest = entry
        return complaints.status(complaint_id, latest)

    def add_complaint_documents(self, complaint_id: str, documents: tuple[ComplaintDocument, ...]) -> None:
        """addZalacznikDoReklamacji, five files a call."""
        for chunk in complaints.zalaczniki(self._client.types, documents):
            complaints.raise_for_errors(self._client.add_zalacznik_do_reklamacji(complaint_id, chunk))
