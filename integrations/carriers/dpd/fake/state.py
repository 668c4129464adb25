"""The fake DPD's memory: accounts, packages (by FID), courier calls, tracking events and points.

Thread-safe (one lock); time comes from an injectable clock. Test handles: arrange credentials,
unknown postcodes, points and per-field refusals; advance a parcel along its tracking path or append
any event code; read what was stored. With `auto_advance` (seconds per step) advised parcels move along
the path as wall-clock time passes, so a desk run against the fake shows living parcels.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from integrations.carriers.dpd.fake import billing
from integrations.carriers.fakekit.billing import FakeCharge
from integrations.carriers.fakekit.complaints import ComplaintBook

# the tracking paths the fake walks (businessCode, English description); codes from the status map
CLASSIC_PATH = (
    ("030103", "Shipment registered, not yet handed over"),
    ("040101", "Collected by the courier"),
    ("050101", "Received at the hub"),
    ("170101", "Out for delivery"),
    ("190101", "Delivered"),
)
PICKUP_PATH = CLASSIC_PATH[:3] + (
    ("200602", "Waiting at the DPD Pickup point for collection"),
    ("190101", "Delivered"),
)


@dataclass
class FakePackage:
    """One package as the fake DPD stores it."""

    package_id: int
    fid: int
    reference: str
    waybills: list[str]
    parcel_ids: list[int]
    body: dict[str, Any]  # what was sent, as plain values (receiver, sender, parcels, services)
    created_at: dt.datetime
    state: str = "REGISTERED"  # REGISTERED | ADVISED | IN_PROTOCOL
    advised_at: dt.datetime | None = None

    @property
    def pickup(self) -> bool:
        return bool(self.body.get("pudo"))


@dataclass
class FakePickupCall:
    order_number: str
    check_sum: int
    fid: int
    date: str
    time_from: str
    time_to: str
    postal_code: str
    parcels: int
    status: str = "ORDERED"  # ORDERED | CANCELLED


@dataclass
class FakeEvent:
    waybill: str
    code: str
    description: str
    at: dt.datetime
    depot: str = "Warszawa"


@dataclass
class DpdFakeState:
    """Everything the fake DPD knows; `now` is the clock (aware datetimes)."""

    now: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))
    auto_advance: float | None = None  # seconds per tracking step for advised parcels; None: by hand
    accounts: dict[str, tuple[str, int]] = field(default_factory=lambda: {"demo": ("demo-password", 1495)})
    info_accounts: dict[str, tuple[str, str]] = field(default_factory=lambda: {"demo": ("demo-info", "desk")})
    unknown_postcodes: set[str] = field(default_factory=set)  # digits only, e.g. "99999"
    pickup_ranges: list[tuple[str, int]] = field(
        default_factory=lambda: [("08:00-12:00", 60), ("12:00-16:00", 60), ("15:00-18:00", 120)]
    )
    points: list[dict[str, Any]] = field(default_factory=list)
    packages: dict[int, FakePackage] = field(default_factory=dict)
    pickups: dict[str, FakePickupCall] = field(default_factory=dict)
    events: dict[str, list[FakeEvent]] = field(default_factory=dict)
    field_refusals: list[tuple[str, str, bool]] = field(default_factory=list)
    complaints: ComplaintBook = field(init=False)  # test handles: ask_for(), decide()
    lock: threading.RLock = field(default_factory=threading.RLock)
    _seq: int = 0

    def __post_init__(self) -> None:
        self.complaints = ComplaintBook(now=lambda: self.now())

    # -- arranging ---------------------------------------------------------------------------------
    def add_account(self, login: str, password: str, master_fid: int) -> None:
        with self.lock:
            self.accounts[login] = (password, master_fid)

    def refuse_next_create(self, field_names: str, error_code: str, *, parcel: bool = False) -> None:
        """The next generatePackagesNumbersV4 answers INCORRECT_DATA with this ValidationInfo (at the
        package level, or on the first parcel when `parcel`)."""
        with self.lock:
            self.field_refusals.append((field_names, error_code, parcel))

    def add_point(self, **point: Any) -> None:
        with self.lock:
            self.points.append(point)

    # -- ids ---------------------------------------------------------------------------------------
    def next_number(self) -> int:
        with self.lock:
            self._seq += 1
            return self._seq

    def new_waybill(self) -> str:
        """A 14-character waybill like DPD's ("0000" + sequence + "U"); opaque to the adapter."""
        return f"1000{self.next_number():09d}U"

    # -- packages ----------------------------------------------------------------------------------
    def by_reference(self, fid: int, reference: str) -> FakePackage | None:
        with self.lock:
            return next(
                (p for p in self.packages.values() if p.fid == fid and p.reference == reference), None
            )

    def package(self, fid: int, package_id: int) -> FakePackage | None:
        with self.lock:
            found = self.packages.get(package_id)
            return found if found is not None and found.fid == fid else None

    def advise(self, package: FakePackage) -> None:
        """Labels were generated: the package is advised and its first event is logged."""
        with self.lock:
            if package.state != "REGISTERED":
                return
            package.state = "ADVISED"
            package.advised_at = self.now()
            for waybill in package.waybills:
                self.advance(waybill)

    # -- tracking ----------------------------------------------------------------------------------
    def add_event(
        self, waybill: str, code: str, description: str = "", at: dt.datetime | None = None
    ) -> None:
        """Append any event (any code) to a waybill."""
        with self.lock:
            event = FakeEvent(waybill, code, description or f"event {code}", at or self.now())
            self.events.setdefault(waybill, []).append(event)

    def advance(self, waybill: str) -> str | None:
        """Move a parcel one step along its path; the code added, or None at the end."""
        with self.lock:
            package = next((p for p in self.packages.values() if waybill in p.waybills), None)
            path = PICKUP_PATH if package is not None and package.pickup else CLASSIC_PATH
            done = len(self.events.get(waybill, []))
            if done >= len(path):
                return None
            code, text = path[done]
            self.add_event(waybill, code, text)
            return code

    def tick(self) -> None:
        """With auto_advance: add the steps that wall-clock time has made due."""
        if not self.auto_advance:
            return
        with self.lock:
            now = self.now()
            for package in self.packages.values():
                if package.advised_at is None:
                    continue
                due = 1 + int((now - package.advised_at).total_seconds() // self.auto_advance)
                for waybill in package.waybills:
                    while len(self.events.get(waybill, [])) < due and self.advance(waybill):
                        pass

    def events_of(self, waybill: str) -> list[FakeEvent]:
        with self.lock:
            return sorted(self.events.get(waybill, []), key=lambda e: e.at)

    # -- billing -----------------------------------------------------------------------------------
    def billing_file(
        self, charges: list[FakeCharge], *, document: str = "", issued_on: dt.date | None = None
    ) -> bytes:
        """The surcharge specification (XML) DPD would send with its invoice for these charges."""
        return billing.billing_xml(self, charges, document=document, issued_on=issued_on)
