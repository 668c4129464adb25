"""The clocks of complaints, as dates in Poland (every function takes the moment it counts from).

- The broker answers a service or invoice complaint within 14 days of receiving it (the broker's terms; the
  same 14 days Polish consumer law gives, art. 7a ustawy o prawach konsumenta). Counted as the civil code
  counts days: from the day after receipt (art. 111 KC), and a term ending on a Saturday or a day off ends
  on the next working day (art. 115 KC; 24 December is a day off from 2025).
- A carrier complaint counts as ineffective when the carrier has not paid within 3 months of receiving it
  (art. 75 Prawo przewozowe, broker-digest §1): the court route opens the day after. Months end on the same
  day number, or on the month's last day when it has none (art. 112 KC).
- Filing deadlines (carriers-digest §7), chosen: hidden damage or shortage (no damage report at delivery)
  within 7 days of delivery (the regulation of 13-12-2017 and the carriers' terms); damage or shortage
  with a report, and delay, within 14 days of delivery (Apaczka's terms for DPD/FedEx/UPS complaints); loss
  from the day the parcel counts as lost (30 days after posting: DPD, Geis) until claims prescribe, one
  year after posting (art. 77).
- An unclaimed parcel back at the broker waits 14 days for the seller's instructions (counted as above).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from desk.models.complaint import CarrierKind
from desk.services.shared.workdays import next_working_day, warsaw_date

ANSWER_DAYS = 14
RETURN_INSTRUCTION_DAYS = 14
INEFFECTIVE_MONTHS = 3
HIDDEN_DAMAGE_DAYS = 7
FILING_DAYS = 14
LOST_AFTER_DAYS = 30
PRESCRIPTION_MONTHS = 12


def days_term(start: dt.datetime, days: int) -> dt.date:
    """The last day of a term of `days` days from the moment `start` (arts. 111 and 115 KC)."""
    return next_working_day(warsaw_date(start) + dt.timedelta(days=days))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day number `months` later, or that month's last day (art. 112 KC)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def answer_due_on(submitted_at: dt.datetime) -> dt.date:
    """The last day the broker may answer a service or invoice complaint received at `submitted_at`."""
    return days_term(submitted_at, ANSWER_DAYS)


@dataclass(frozen=True)
class AnswerClock:
    """Where an answer clock stands on a day: days left (negative once overdue) and a level to show."""

    due_on: dt.date
    days_left: int
    level: str  # ok | soon | today | overdue


def answer_clock(due_on: dt.date, now: dt.datetime, *, alert_days: int) -> AnswerClock:
    """How much time is left; `soon` once `alert_days` or fewer days remain."""
    left = (due_on - warsaw_date(now)).days
    level = "overdue" if left < 0 else "today" if left == 0 else "soon" if left <= alert_days else "ok"
    return AnswerClock(due_on, left, level)


def ineffective_on(carrier_received_at: dt.datetime) -> dt.date:
    """The last day of the carrier's 3 months; the complaint counts as ineffective after it."""
    return add_months(warsaw_date(carrier_received_at), INEFFECTIVE_MONTHS)


def court_route_open(carrier_received_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether the 3 months have run out (the caller knows whether the carrier has paid)."""
    return carrier_received_at is not None and warsaw_date(now) > ineffective_on(carrier_received_at)


@dataclass(frozen=True)
class FilingTerm:
    """When a carrier complaint of a kind may be filed: `opens_on` (loss) and the last day, and the rule."""

    due_on: dt.date | None
    rule: str  # hidden_damage | with_report | delay | loss | unknown
    opens_on: dt.date | None = None


def filing_term(
    kind: CarrierKind,
    *,
    posted_at: dt.datetime | None,
    delivered_at: dt.datetime | None,
    damage_report_made: bool,
) -> FilingTerm:
    """The filing term chosen for the kind (see the module docstring); None dates when the parcel's
    tracking does not give the day it counts from."""
    if kind is CarrierKind.LOSS:
        if posted_at is None:
            return FilingTerm(None, "loss")
        posted = warsaw_date(posted_at)
        return FilingTerm(
            add_months(posted, PRESCRIPTION_MONTHS), "loss", posted + dt.timedelta(LOST_AFTER_DAYS)
        )
    if delivered_at is None:
        return FilingTerm(None, "unknown")
    if kind is CarrierKind.DELAY:
        return FilingTerm(days_term(delivered_at, FILING_DAYS), "delay")
    if damage_report_made:
        return FilingTerm(days_term(delivered_at, FILING_DAYS), "with_report")
    return FilingTerm(days_term(delivered_at, HIDDEN_DAMAGE_DAYS), "hidden_damage")


def return_instructions_due_on(returned_at: dt.datetime) -> dt.date:
    """The last day the seller may say what to do with a parcel back at the broker."""
    return days_term(returned_at, RETURN_INSTRUCTION_DAYS)
