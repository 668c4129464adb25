"""The complaints every carrier fake keeps, and the test handles that decide them.

Each fake speaks its own dialect on the wire (ShipX-style JSON, DPD REST-style JSON, e-Nadawca SOAP); what a
complaint is and how it moves is the same everywhere and lives here: it is filed once per key (a second
filing with the key answers the first), waits `pending`, and moves only when a test (or the demo's
`auto_after`) decides it: `ask_for` documents, `decide` accepted / partly accepted / rejected. Documents sent
after an `ask_for` put it back to `pending`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

PENDING, NEED_DOCUMENTS = "pending", "need_documents"
ACCEPTED, PARTLY, REJECTED = "accepted", "partly_accepted", "rejected"
OUTCOMES = (PENDING, NEED_DOCUMENTS, ACCEPTED, PARTLY, REJECTED)


@dataclass
class FakeComplaint:
    """One complaint as a fake carrier holds it."""

    id: int
    key: str
    waybill: str
    kind: str
    body: dict[str, Any]  # what was filed, as plain values
    received_at: dt.datetime
    claimed: Decimal = Decimal("0.00")
    fee: Decimal | None = None
    outcome: str = PENDING
    message: str = ""
    missing: list[str] = field(default_factory=list)
    compensation: Decimal | None = None
    fee_refund: Decimal | None = None
    decided_at: dt.datetime | None = None
    asked_at: dt.datetime | None = None  # when documents were last asked for
    documents: list[dict[str, Any]] = field(default_factory=list)  # {name, kind, size, description}


@dataclass
class ComplaintBook:
    """Complaints of one fake carrier (thread-safe). `auto_after` seconds (demo): a pending complaint is
    accepted in full (the claimed amount, the whole fee) once it is that old when read."""

    now: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))
    auto_after: float | None = None
    complaints: dict[int, FakeComplaint] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)
    _ids: Any = field(default_factory=lambda: itertools.count(700001))

    def file(
        self, key: str, *, waybill: str, kind: str, body: dict[str, Any], claimed: Decimal,
        fee: Decimal | None = None, documents: list[dict[str, Any]] = (),
    ) -> tuple[FakeComplaint, bool]:
        """(the complaint, True) when new; (the one filed with `key` before, False) otherwise."""
        with self.lock:
            found = self.by_key(key)
            if found is not None:
                return found, False
            complaint = FakeComplaint(
                next(self._ids), key, waybill, kind, body, self.now(), claimed=claimed, fee=fee,
                documents=list(documents),
            )
            self.complaints[complaint.id] = complaint
            return complaint, True

    def by_key(self, key: str) -> FakeComplaint | None:
        """The complaint filed with `key`, if any."""
        with self.lock:
            return next((c for c in self.complaints.values() if c.key == key), None)

    def by_waybill(self, waybill: str) -> FakeComplaint | None:
        """The newest complaint about a parcel (tests: "filed once")."""
        with self.lock:
            found = [c for c in self.complaints.values() if c.waybill == waybill]
            return max(found, key=lambda c: c.id) if found else None

    def get(self, complaint_id: int | str) -> FakeComplaint | None:
        """The complaint (caught up with `auto_after`), or None."""
        with self.lock:
            found = self.complaints.get(int(complaint_id)) if str(complaint_id).isdigit() else None
            if found is not None:
                self._auto(found)
            return found

    def ask_for(self, complaint_id: int | str, missing: list[str], message: str = "") -> FakeComplaint:
        """The carrier asks for documents (kinds such as "damage_report", "value_invoice")."""
        with self.lock:
            complaint = self.complaints[int(complaint_id)]
            complaint.outcome, complaint.missing = NEED_DOCUMENTS, list(missing)
            complaint.message = message or "Prosimy o uzupełnienie dokumentów."
            complaint.asked_at = self.now()
            return complaint

    def decide(
        self, complaint_id: int | str, outcome: str, *, compensation: Decimal | str | None = None,
        fee_refund: Decimal | str | None = None, message: str = "",
    ) -> FakeComplaint:
        """The carrier's decision: accepted / partly_accepted / rejected with the money it pays."""
        if outcome not in (ACCEPTED, PARTLY, REJECTED):
            raise ValueError(f"not a decision: {outcome}")
        with self.lock:
            complaint = self.complaints[int(complaint_id)]
            complaint.outcome, complaint.missing, complaint.message = outcome, [], message
            complaint.compensation = Decimal(str(compensation)) if compensation is not None else None
            complaint.fee_refund = Decimal(str(fee_refund)) if fee_refund is not None else None
            complaint.decided_at = self.now()
            return complaint

    def add_documents(self, complaint_id: int | str, documents: list[dict[str, Any]]) -> FakeComplaint:
        """Further documents: a complaint waiting for them goes back to being considered."""
        with self.lock:
            complaint = self.complaints[int(complaint_id)]
            complaint.documents += documents
            if complaint.outcome == NEED_DOCUMENTS:
                complaint.outcome, complaint.missing, complaint.message = PENDING, [], ""
            return complaint

    def _auto(self, complaint: FakeComplaint) -> None:
        if self.auto_after is None or complaint.outcome != PENDING:
            return
        if (self.now() - complaint.received_at).total_seconds() >= self.auto_after:
            self.decide(complaint.id, ACCEPTED, compensation=complaint.claimed, fee_refund=complaint.fee)
