"""The fake e-Nadawca's memory: the envelope buffer, sent envelopes, placówki, courier orders and tracking.

Thread-safe (one lock), with an injectable clock. Test handles: `credentials`/`tracking_credentials`,
`add_point`, `refuse_postcode`, `advance_envelopes` (the asynchronous processing of a sent envelope),
`set_envelope_status`, `add_event` (any code), and read-outs (`buffer_guids`, `envelope_of`, `pickups`,
`violations` — requests or answers the WSDL's schema refused).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from integrations.carriers.addresses import WARSAW
from integrations.carriers.fakekit.billing import FakeCharge
from integrations.carriers.fakekit.complaints import ComplaintBook
from integrations.carriers.poczta.fake import billing

# the order a sent envelope moves in (assumed: the WSDL lists the values, not their order); BLEDNY is
# set by a test handle (or `fail_envelopes`)
ENVELOPE_PATH = ("WYSLANY", "DOSTARCZONY", "WALIDOWANY", "PRZYJETY")
# tracking path of a parcel once its envelope is sent (auto_advance walks it)
DOOR_PATH = (
    ("P_REJ_KN1", "Przesyłka zarejestrowana przez nadawcę"),
    ("P_NAD", "Nadanie"),
    ("P_WZL", "Wysłanie z placówki"),
    ("P_PZL", "Przybycie do placówki"),
    ("P_WD", "Wydanie przesyłki do doręczenia"),
    ("P_D", "Doręczenie"),
)
POINT_PATH = (
    ("P_REJ_KN1", "Przesyłka zarejestrowana przez nadawcę"),
    ("P_NAD", "Nadanie"),
    ("P_WZL", "Wysłanie z placówki"),
    ("P_PZL", "Przybycie do placówki"),
    ("P_KWD", "Przesyłka gotowa do odbioru w punkcie"),
    ("P_OWU", "Odebrano w placówce"),
)


def _now() -> dt.datetime:
    return dt.datetime.now(WARSAW)


@dataclass
class Parcel:
    """One shipment the fake took: its request element (echoed by getEnvelopeBufor) and what labels show."""

    guid: str
    waybill: str
    kind: str  # the xsi:type's local name
    element: etree._Element
    created_at: dt.datetime
    point: str = ""
    envelope_id: int | None = None


@dataclass
class Envelope:
    id: int
    status: str
    sent_at: dt.datetime
    guids: list[str]


@dataclass
class Event:
    code: str
    name: str
    at: dt.datetime
    unit: str = ""
    auto: bool = False  # added by auto_advance


@dataclass
class PocztaState:
    """Everything the fake knows; every method takes the lock."""

    now: Callable[[], dt.datetime] = _now
    auto_advance: float | None = None  # seconds per tracking step after the envelope is sent
    credentials: dict[str, str] = field(default_factory=lambda: {"sklep": "haslo-enadawca"})
    tracking_credentials: dict[str, str] = field(default_factory=lambda: {"sledzeniepp": "PPSA"})
    buffer: dict[str, Parcel] = field(default_factory=dict)
    parcels: dict[str, Parcel] = field(default_factory=dict)
    envelopes: dict[int, Envelope] = field(default_factory=dict)
    points: dict[int, dict[str, Any]] = field(default_factory=dict)
    events: dict[str, list[Event]] = field(default_factory=dict)
    pickups: list[dict[str, str]] = field(default_factory=list)
    complaints: ComplaintBook = field(init=False)  # test handles: ask_for(), decide()
    refused_postcodes: set[str] = field(default_factory=set)
    violations: list[str] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)
    _counter: int = 0

    def __post_init__(self) -> None:
        self.complaints = ComplaintBook(now=lambda: self.now())

    # -- arranging --------------------------------------------------------------------------------
    def add_point(
        self,
        point_id: int,
        *,
        voivodeship: str,
        name: str,
        street: str,
        number: str,
        city: str,
        postcode: str,
        network: str = "POCZTAPOLSKA",
        lat: float | None = None,
        lon: float | None = None,
    ) -> None:
        """A placówka getPlacowkiPocztowe lists (postcode as 5 digits or NN-NNN)."""
        with self.lock:
            self.points[point_id] = {
                "id": point_id,
                "wojewodztwo": voivodeship,
                "nazwa": name,
                "ulica": street,
                "numerDomu": number,
                "miejscowosc": city,
                "kodPocztowy": postcode.replace("-", ""),
                "siecPlacowek": network,
                "lat": lat,
                "lon": lon,
            }

    def refuse_postcode(self, postcode: str) -> None:
        """addShipment answers a field error for a receiver with this postcode (an unknown postcode)."""
        with self.lock:
            self.refused_postcodes.add(postcode.replace("-", ""))

    def add_event(
        self, waybill: str, code: str, name: str = "", *, at: dt.datetime | None = None, unit: str = ""
    ) -> None:
        """Append a tracking event of any code (known to the map or not)."""
        with self.lock:
            self.events.setdefault(waybill, []).append(Event(code, name or code, at or self.now(), unit))

    # -- the buffer and envelopes -------------------------------------------------------------------
    def next_waybill(self) -> str:
        """A 20-character numerNadania (numerNadaniaType allows 10..20)."""
        with self.lock:
            self._counter += 1
            return f"00659007734{self._counter:09d}"

    def buffer_guids(self) -> list[str]:
        with self.lock:
            return list(self.buffer)

    def envelope_of(self, guid: str) -> Envelope | None:
        with self.lock:
            parcel = self.parcels.get(guid)
            return self.envelopes.get(parcel.envelope_id) if parcel and parcel.envelope_id else None

    def send_buffer(self) -> Envelope | None:
        """sendEnvelope: the whole buffer becomes one envelope (None when the buffer is empty)."""
        with self.lock:
            if not self.buffer:
                return None
            envelope = Envelope(len(self.envelopes) + 1, ENVELOPE_PATH[0], self.now(), list(self.buffer))
            self.envelopes[envelope.id] = envelope
            for parcel in self.buffer.values():
                parcel.envelope_id = envelope.id
            self.buffer.clear()
            return envelope

    def advance_envelopes(self) -> None:
        """One processing step for every sent envelope (WYSLANY -> DOSTARCZONY -> WALIDOWANY -> PRZYJETY)."""
        with self.lock:
            for envelope in self.envelopes.values():
                if envelope.status in ENVELOPE_PATH[:-1]:
                    envelope.status = ENVELOPE_PATH[ENVELOPE_PATH.index(envelope.status) + 1]

    def set_envelope_status(self, envelope_id: int, status: str) -> None:
        with self.lock:
            self.envelopes[envelope_id].status = status

    # -- tracking -------------------------------------------------------------------------------------
    def tracking_events(self, waybill: str) -> list[Event] | None:
        """The parcel's events (None: no such parcel); with auto_advance, the path steps that are due."""
        with self.lock:
            parcel = next((p for p in self.parcels.values() if p.waybill == waybill), None)
            if parcel is None and waybill not in self.events:
                return None
            if parcel is not None and self.auto_advance:
                self._advance_tracking(parcel)
            return sorted(self.events.get(waybill, []), key=lambda event: event.at)

    def _advance_tracking(self, parcel: Parcel) -> None:
        envelope = self.envelopes.get(parcel.envelope_id or 0)
        if envelope is None or not self.auto_advance:
            return
        path = POINT_PATH if parcel.point else DOOR_PATH
        due = int((self.now() - envelope.sent_at).total_seconds() // self.auto_advance) + 1
        have = self.events.setdefault(parcel.waybill, [])
        auto = [event for event in have if event.auto]
        for step in range(len(auto), min(due, len(path))):
            code, name = path[step]
            at = envelope.sent_at + dt.timedelta(seconds=self.auto_advance * step)
            have.append(Event(code, name, at, "Centrum Logistyczne Warszawa", auto=True))

    # -- billing --------------------------------------------------------------------------------------
    def billing_file(
        self, charges: list[FakeCharge], *, document: str = "", issued_on: dt.date | None = None
    ) -> bytes:
        """The invoice announcement (a ZIP with its XML) e-Nadawca would hand out for these charges."""
        return billing.announcement_zip(self, charges, document=document, issued_on=issued_on)
