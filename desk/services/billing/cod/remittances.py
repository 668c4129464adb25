"""Carrier COD remittances: a file read by its carrier's parser, matched to COD shipments by waybill, first
as a dry run (nothing written), then applied in one transaction.

Every line is kept. A line that pays what its COD still expected marks the money received; anything
else (less, more, a waybill nobody knows, money already received, COD the carrier should not remit) goes
to the review list, where an administrator resolves it with a note. The same file twice is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from desk.extensions import db
from desk.models.cod import CodRemittance, CodRemittanceLine, CodState, LineOutcome, PayoutSink, ShipmentCod
from desk.models.shipment import Shipment
from desk.services.billing.cod import progress
from desk.services.errors import N_, ConflictError, DeskError, NotFoundError, ValidationError
from desk.services.shared.workdays import WARSAW, warsaw_date
from integrations.carriers.remittance import (
    Remittance,
    RemittanceFormatError,
    RemittanceLine,
    RemittanceProblem,
)

Parse = Callable[[bytes], Remittance]
MAX_BYTES = 5_000_000
CHUNK = 500
PAYING = (LineOutcome.MATCHED, LineOutcome.SHORT, LineOutcome.OVER)
CLOSED = (CodState.RETURNED, CodState.CANCELLED)
OPEN_STATES = (CodState.TO_COLLECT, CodState.COLLECTED)


class RemittanceRefused(DeskError):
    """The file cannot be read as the carrier's remittance; `problems` says where and why."""

    def __init__(self, problems: tuple[RemittanceProblem, ...]) -> None:
        super().__init__(N_("The file cannot be imported (%(count)s problems)."), count=len(problems))
        self.problems = problems


@dataclass(frozen=True)
class PlannedLine:
    """One line and what it would do."""

    line_no: int
    waybill: str
    amount: Decimal
    collected_on: dt.date | None
    outcome: LineOutcome
    cod_id: int | None = None
    account_id: int | None = None
    shipment_id: int | None = None
    expected: Decimal | None = None  # what the COD still expected before this line

    @property
    def needs_review(self) -> bool:
        return self.outcome is not LineOutcome.MATCHED


@dataclass(frozen=True)
class RemittancePlan:
    """What importing the file would do."""

    carrier: str
    reference: str
    transfer_date: dt.date | None
    sha256: str
    lines: tuple[PlannedLine, ...]
    imported: CodRemittance | None  # the same file imported before: nothing may be written

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(line.outcome.value for line in self.lines))

    @property
    def review_total(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.needs_review), Decimal("0.00"))


def _read(parsers: Mapping[str, Parse], carrier: str, data: bytes) -> Remittance:
    if carrier not in parsers:
        raise ValidationError(N_("Choose the carrier whose remittance this is."))
    if not data:
        raise ValidationError(N_("Choose a file."))
    if len(data) > MAX_BYTES:
        raise ValidationError(N_("The file is too large (at most %(mb)s MB)."), mb=MAX_BYTES // 1_000_000)
    try:
        return parsers[carrier](data)
    except RemittanceFormatError as exc:
        raise RemittanceRefused(exc.problems) from exc


def plan(parsers: Mapping[str, Parse], carrier: str, data: bytes) -> RemittancePlan:
    """The dry run: every line with its outcome; writes nothing. RemittanceRefused for a bad file."""
    remittance = _read(parsers, carrier, data)
    return _plan(carrier, remittance, data, lock=False)


def _plan(carrier: str, remittance: Remittance, data: bytes, *, lock: bool) -> RemittancePlan:
    sha = hashlib.sha256(data).hexdigest()
    imported = db.session.scalar(select(CodRemittance).where(CodRemittance.file_sha256 == sha))
    found = _records(carrier, [line.waybill for line in remittance.lines], lock=lock)
    received: dict[int, Decimal] = {}
    lines = tuple(_outcome(line, found.get(line.waybill), received) for line in remittance.lines)
    return RemittancePlan(carrier, remittance.reference, remittance.transfer_date, sha, lines, imported)


def _outcome(line: RemittanceLine, record: ShipmentCod | None, received: dict[int, Decimal]) -> PlannedLine:
    if record is None:
        return PlannedLine(line.line_no, line.waybill, line.amount, line.collected_on, LineOutcome.UNKNOWN)
    so_far = received.get(record.id, record.received_amount)
    expected = record.amount - so_far
    if record.sink is PayoutSink.ALLEGRO_WALLET or record.state in CLOSED:
        outcome = LineOutcome.UNEXPECTED
    elif expected <= 0:
        outcome = LineOutcome.DUPLICATE
    elif line.amount == expected:
        outcome = LineOutcome.MATCHED
    else:
        outcome = LineOutcome.SHORT if line.amount < expected else LineOutcome.OVER
    if outcome in PAYING:
        received[record.id] = so_far + line.amount
    return PlannedLine(
        line.line_no, line.waybill, line.amount, line.collected_on, outcome,
        record.id, record.account_id, record.shipment_id, max(expected, Decimal("0.00")),
    )


def _records(carrier: str, waybills: list[str], *, lock: bool) -> dict[str, ShipmentCod]:
    """COD records of the carrier by waybill: the stored first waybill, else any waybill of the shipment
    (a multi-parcel DPD shipment, or a record whose waybill the job has not filled in yet)."""
    found: dict[str, ShipmentCod] = {}
    for start in range(0, len(waybills), CHUNK):
        query = select(ShipmentCod).where(
            ShipmentCod.carrier == carrier, ShipmentCod.waybill.in_(waybills[start : start + CHUNK])
        )
        if lock:  # the newest committed amounts, whatever this session read before
            query = query.with_for_update().execution_options(populate_existing=True)
        for record in db.session.scalars(query):
            found[record.waybill or ""] = record
    missing = {waybill for waybill in waybills if waybill not in found}
    if missing:
        query = (
            select(ShipmentCod, Shipment.waybills)
            .join(Shipment, Shipment.id == ShipmentCod.shipment_id)
            .where(ShipmentCod.carrier == carrier, ShipmentCod.state.not_in((CodState.PAID, *CLOSED)))
        )
        if lock:
            query = query.with_for_update(of=ShipmentCod).execution_options(populate_existing=True)
        for record, numbers in db.session.execute(query):
            for number in numbers or ():
                if number in missing:
                    found[number] = record
    return found


def apply(
    parsers: Mapping[str, Parse],
    carrier: str,
    data: bytes,
    *,
    file_name: str,
    now: dt.datetime,
    actor_id: int | None,
) -> CodRemittance:
    """Import the file: the same checks and matching as the dry run, under row locks, every line stored
    and the money marked received, in one transaction (commits). ConflictError for a file imported before."""
    remittance = _read(parsers, carrier, data)
    _serialise()
    planned = _plan(carrier, remittance, data, lock=True)
    if planned.imported is not None:
        day = warsaw_date(planned.imported.imported_at).isoformat()
        raise ConflictError(N_("This file was imported on %(date)s."), date=day)
    record = CodRemittance(
        carrier=carrier, reference=planned.reference[:64], file_sha256=planned.sha256,
        file_name=(file_name or "")[:200], transfer_date=planned.transfer_date, total=planned.total,
        line_count=len(planned.lines), imported_at=now, imported_by=actor_id,
    )
    db.session.add(record)
    for line in planned.lines:
        db.session.add(_stored_line(record, line))
        if line.cod_id is not None and line.outcome in PAYING:
            _receive(db.session.get(ShipmentCod, line.cod_id), line, now)
    try:
        db.session.commit()
    except IntegrityError as exc:  # the same file imported at the same moment by someone else
        db.session.rollback()
        raise ConflictError(N_("This file was imported a moment ago.")) from exc
    progress.promote_due(today=warsaw_date(now), now=now)
    return record


def _serialise() -> None:
    """Two imports paying the same parcel must not both read what it had received before either wrote.
    PostgreSQL locks the matched COD rows (FOR UPDATE, below); on SQLite this statement (it changes no row)
    opens the write transaction first, so the reads that follow see every import committed before."""
    db.session.execute(
        update(CodRemittance).where(CodRemittance.id == -1).values(line_count=0)
        .execution_options(synchronize_session=False)
    )


def _stored_line(record: CodRemittance, line: PlannedLine) -> CodRemittanceLine:
    return CodRemittanceLine(
        remittance=record, line_no=line.line_no, waybill=line.waybill[:64], amount=line.amount,
        expected=line.expected, collected_on=line.collected_on, cod_id=line.cod_id,
        account_id=line.account_id, outcome=line.outcome, needs_review=line.needs_review,
    )


def _receive(cod: ShipmentCod | None, line: PlannedLine, now: dt.datetime) -> None:
    assert cod is not None
    cod.received_amount += line.amount
    cod.updated_at = now
    if cod.received_amount >= cod.amount:
        _mark_received(cod, line.collected_on, now)


def _mark_received(cod: ShipmentCod, collected_on: dt.date | None, now: dt.datetime) -> None:
    """The broker has the money: if tracking never said delivered, the carrier's day of collection does."""
    if cod.state is CodState.TO_COLLECT or cod.delivered_at is None:
        day = collected_on or warsaw_date(now)
        progress.collect(cod, dt.datetime.combine(day, dt.time(12), WARSAW).astimezone(dt.UTC), now)
    if cod.state in OPEN_STATES:
        cod.state = CodState.RECEIVED
        cod.received_at = now


def review_lines(*, open_only: bool = True, limit: int = 500) -> list[CodRemittanceLine]:
    """Lines waiting for an administrator (or, with open_only=False, every line that needed one)."""
    query = select(CodRemittanceLine).where(CodRemittanceLine.needs_review.is_(True))
    if open_only:
        query = query.where(CodRemittanceLine.resolved_at.is_(None))
    return list(db.session.scalars(query.order_by(CodRemittanceLine.id).limit(limit)))


def resolve(
    line_id: int, note: str, *, accept_short: bool = False, now: dt.datetime, actor_id: int | None
) -> CodRemittanceLine:
    """Close a review line with a note (commits). `accept_short` treats a short payment as received in
    full (the broker covers the difference), so the seller's payout is not held back."""
    line = db.session.get(CodRemittanceLine, line_id)
    if line is None or not line.needs_review:
        raise NotFoundError(N_("Remittance line not found."))
    note = (note or "").strip()
    if not note:
        raise ValidationError(N_("Write what was decided."))
    if line.resolved_at is not None:
        raise ConflictError(N_("This line was already resolved."))
    if accept_short:
        if line.outcome is not LineOutcome.SHORT or line.cod_id is None:
            raise ValidationError(N_("Only a short payment can be accepted as received."))
        cod = db.session.get(ShipmentCod, line.cod_id, with_for_update=True)
        _mark_received(cod, line.collected_on, now)
    line.resolved_at, line.resolved_by, line.resolution = now, actor_id, note[:2000]
    db.session.commit()
    progress.promote_due(today=warsaw_date(now), now=now)
    return line


def recent(limit: int = 50) -> list[CodRemittance]:
    """The newest imports."""
    return list(db.session.scalars(select(CodRemittance).order_by(CodRemittance.id.desc()).limit(limit)))


def lines_of(remittance_id: int) -> tuple[CodRemittance, list[CodRemittanceLine]]:
    """An import and its lines."""
    found = db.session.get(CodRemittance, remittance_id)
    if found is None:
        raise NotFoundError(N_("Remittance not found."))
    lines = db.session.scalars(
        select(CodRemittanceLine)
        .where(CodRemittanceLine.remittance_id == remittance_id)
        .order_by(CodRemittanceLine.line_no)
    )
    return found, list(lines)
