"""Importing a carrier's billing file: a dry run that says per line what would happen (nothing written),
and the apply that writes the whole file in one transaction or nothing.

Each line is linked to the carrier's shipment holding its waybill (and so to the shipment's account);
a line whose waybill no shipment holds is kept unlinked on the review list, never dropped. A line whose
charge reference the desk already has is skipped, so applying a file twice (or two files that overlap)
adds nothing. Any problem in the file refuses it as a whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from desk.extensions import db
from desk.models import Shipment, Surcharge, SurchargeImport, SurchargeKind
from desk.orm import utcnow
from desk.services.billing.surcharges import matching
from desk.services.errors import N_, ValidationError
from integrations.carriers.surcharges import BillingFile, BillingFileError, LineProblem, SurchargeLine

ParseFile = Callable[[bytes], BillingFile]  # one carrier's parser (desk.wiring picks it)
Problem = tuple[str, dict[str, Any]]  # an N_ message and its parameters
CARRIERS = ("inpost", "dpd", "poczta")
MAX_BYTES = 5 * 1024 * 1024
TEXT_MAX, TEXT_SIZE = 64, 16  # the columns' lengths
MONEY_MAX = Decimal("9999999999.99")  # what Numeric(12, 2) holds
SIZE_MAX = 100_000_000  # grams or millimetres: far beyond any parcel, within an INTEGER
ADD, UNLINKED, KNOWN = "add", "unlinked", "known"  # what happens to a line
PROBLEMS = {
    "unreadable": N_("The file is not a billing file of this carrier."),
    "missing_columns": N_("Columns missing from the file: %(value)s."),
    "no_lines": N_("The file has no surcharge lines."),
    "missing": N_("Line %(line)s: %(field)s is empty."),
    "bad_number": N_("Line %(line)s: %(field)s is not a number (%(value)s)."),
    "bad_date": N_("Line %(line)s: %(field)s is not a date (%(value)s)."),
    "bad_amount": N_("Line %(line)s: %(field)s is not an amount above zero in whole grosze (%(value)s)."),
    "amounts_differ": N_("Line %(line)s: net plus VAT is not the gross amount (%(value)s)."),
    "bad_currency": N_("Line %(line)s: only amounts in PLN are accepted, not %(value)s."),
    "unknown_code": N_("Line %(line)s: unknown surcharge code %(value)s."),
    "duplicate": N_("Line %(line)s: charge %(value)s appears in the file twice."),
}
UNKNOWN_PROBLEM = N_("Line %(line)s: the carrier's data cannot be read (%(field)s).")


@dataclass(frozen=True, slots=True)
class LinePlan:
    """What the import does (or did) with one line of the file."""

    line: int
    reference: str
    waybill: str
    code: str
    kind: SurchargeKind
    gross: Decimal
    outcome: str  # ADD | UNLINKED | KNOWN
    shipment_id: int | None = None
    account_id: int | None = None
    account_name: str = ""


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """The dry run's answer, and the apply's: every line's outcome, or the problems refusing the file."""

    carrier: str
    document: str
    lines: tuple[LinePlan, ...] = ()
    problems: tuple[Problem, ...] = ()
    applied_before: bool = False  # this very file was applied already: nothing to do
    import_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, outcome: str) -> int:
        return sum(1 for line in self.lines if line.outcome == outcome)

    @property
    def added(self) -> int:
        return self.count(ADD)

    @property
    def unlinked(self) -> int:
        return self.count(UNLINKED)

    @property
    def known(self) -> int:
        return self.count(KNOWN)


class ImportRefused(ValidationError):
    """The file has problems: nothing was written. `plan.problems` lists them, each naming its line."""

    def __init__(self, plan: ImportPlan) -> None:
        message, params = plan.problems[0]
        super().__init__(message, **params)
        self.plan = plan


def plan_import(parse: ParseFile, *, carrier: str, data: bytes) -> ImportPlan:
    """The dry run: per line what applying the file would do, or every problem in it. Writes nothing."""
    return _plan(parse, carrier, data)[0]


def apply_import(
    parse: ParseFile, *, carrier: str, data: bytes, filename: str = "", actor_id: int | None = None,
    now: dt.datetime | None = None,
) -> ImportPlan:
    """Write the file's new surcharges in one transaction (commits). Raises ImportRefused when the file
    has any problem, with nothing written; a file applied before writes nothing and says so."""
    plan, parsed = _plan(parse, carrier, data)
    if not plan.ok:
        raise ImportRefused(plan)
    if plan.applied_before or parsed is None:
        return plan
    try:
        record = _write(carrier, data, filename, parsed, plan, actor_id, now or utcnow())
        db.session.commit()
    except IntegrityError:  # another apply of the same lines committed first: they are known now
        db.session.rollback()
        return plan_import(parse, carrier=carrier, data=data)
    return ImportPlan(carrier, plan.document, plan.lines, import_id=record.id)


def _plan(parse: ParseFile, carrier: str, data: bytes) -> tuple[ImportPlan, BillingFile | None]:
    parsed, problems = _read(parse, carrier, data)
    if parsed is None or problems:
        return ImportPlan(carrier, "", problems=tuple(problems)), None
    plan = ImportPlan(carrier, parsed.document, lines=_plan_lines(carrier, parsed.lines),
                      applied_before=_applied(carrier, data) is not None)
    return plan, parsed


def _read(parse: ParseFile, carrier: str, data: bytes) -> tuple[BillingFile | None, list[Problem]]:
    if carrier not in CARRIERS:
        return None, [(N_("Unknown carrier %(carrier)s."), {"carrier": carrier})]
    if not data:
        return None, [(N_("Choose a billing file."), {})]
    if len(data) > MAX_BYTES:
        return None, [(N_("The file is larger than %(mb)s MB."), {"mb": MAX_BYTES // (1024 * 1024)})]
    try:
        parsed = parse(data)
    except BillingFileError as refused:
        return None, [_problem(p) for p in refused.problems]
    return parsed, [problem for line in parsed.lines for problem in _fits(line)]


def _fits(line: SurchargeLine) -> list[Problem]:
    """What the desk cannot store as read: texts beyond their columns, amounts or sizes beyond range."""
    found: list[Problem] = []
    texts = (("reference", line.reference, TEXT_MAX), ("waybill", line.waybill, TEXT_MAX),
             ("code", line.code, TEXT_MAX), ("document", line.document, TEXT_MAX),
             ("size", line.declared.size, TEXT_SIZE), ("size", line.measured.size, TEXT_SIZE))
    for name, value, limit in texts:
        if len(value) > limit:
            found.append((N_("Line %(line)s: %(field)s is longer than %(max)s characters."),
                          {"line": line.line, "field": name, "max": limit}))
    sizes = [v for m in (line.declared, line.measured)
             for v in (m.weight_g, m.length_mm, m.width_mm, m.height_mm) if v is not None]
    if line.gross > MONEY_MAX or line.vat_rate > 100 or any(v > SIZE_MAX for v in sizes):
        found.append((N_("Line %(line)s: a value is out of range."), {"line": line.line}))
    return found


def _problem(problem: LineProblem) -> Problem:
    message = PROBLEMS.get(problem.code, UNKNOWN_PROBLEM)
    return message, {"line": problem.line or "-", "field": problem.field, "value": problem.value}


def _applied(carrier: str, data: bytes) -> SurchargeImport | None:
    return db.session.scalar(
        select(SurchargeImport).where(
            SurchargeImport.carrier == carrier, SurchargeImport.sha256 == _sha(data)
        )
    )


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _plan_lines(carrier: str, lines: tuple[SurchargeLine, ...]) -> tuple[LinePlan, ...]:
    known = _known_references(carrier, [line.reference for line in lines])
    shipments = matching.shipments_by_waybill(carrier, [line.waybill for line in lines])
    names = matching.account_names(s.account_id for s in shipments.values())
    planned = []
    for line in lines:
        shipment = shipments.get(line.waybill)
        outcome = KNOWN if line.reference in known else ADD if shipment is not None else UNLINKED
        where = {}
        if shipment is not None:
            where = {"shipment_id": shipment.id, "account_id": shipment.account_id,
                     "account_name": names.get(shipment.account_id, "")}
        planned.append(LinePlan(
            line=line.line, reference=line.reference, waybill=line.waybill, code=line.code,
            kind=SurchargeKind(line.kind.value), gross=line.gross, outcome=outcome, **where,
        ))
    return tuple(planned)


def _known_references(carrier: str, references: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(references), 500):
        chunk = references[start : start + 500]
        found.update(db.session.scalars(
            select(Surcharge.carrier_reference).where(Surcharge.carrier == carrier,
                                                      Surcharge.carrier_reference.in_(chunk))
        ))
    return found


def _write(carrier: str, data: bytes, filename: str, parsed: BillingFile, plan: ImportPlan,
           actor_id: int | None, now: dt.datetime) -> SurchargeImport:
    record = SurchargeImport(
        carrier=carrier, sha256=_sha(data), filename=filename[:255], document=plan.document[:64],
        lines=len(plan.lines), added=plan.added, unlinked=plan.unlinked, imported_by=actor_id,
        imported_at=now,
    )
    db.session.add(record)
    db.session.flush()
    shipments = {s.id: s for s in db.session.scalars(
        select(Shipment).where(Shipment.id.in_({p.shipment_id for p in plan.lines if p.shipment_id}))
    )}
    for line, planned in zip(parsed.lines, plan.lines, strict=True):
        if planned.outcome != KNOWN:
            shipment = shipments.get(planned.shipment_id) if planned.shipment_id else None
            db.session.add(_surcharge(carrier, line, shipment, record.id, now))
    db.session.flush()
    return record


def _surcharge(carrier: str, line: SurchargeLine, shipment: Shipment | None, import_id: int,
               now: dt.datetime) -> Surcharge:
    declared, measured = line.declared, line.measured
    return Surcharge(
        account_id=shipment.account_id if shipment else None, shipment_id=shipment.id if shipment else None,
        import_id=import_id, carrier=carrier, waybill=line.waybill, kind=SurchargeKind(line.kind.value),
        carrier_code=line.code, description=line.description, carrier_reference=line.reference,
        document=line.document, charged_on=line.charged_on, net=line.net, vat_rate=line.vat_rate,
        vat=line.vat, gross=line.gross,
        declared_weight_g=declared.weight_g, declared_length_mm=declared.length_mm,
        declared_width_mm=declared.width_mm, declared_height_mm=declared.height_mm,
        declared_size=declared.size,
        measured_weight_g=measured.weight_g, measured_length_mm=measured.length_mm,
        measured_width_mm=measured.width_mm, measured_height_mm=measured.height_mm,
        measured_size=measured.size,
        quoted=matching.quoted(shipment) if shipment else None, arrived_at=now,
    )
