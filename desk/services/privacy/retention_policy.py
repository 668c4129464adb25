"""How long each class of buyers' data is kept: per seller account and data class a ceiling (the job acts
after it) and a floor (the legal minimum; a ceiling below it is refused).

Defaults follow the reference's G2 table (engineering proposals the owner confirms in settings). A class
counts either in whole years after the end of the calendar year its clock falls in (Europe/Warsaw), or in
months or days after its clock. Only ceilings an owner changed are stored (RetentionPolicy rows)."""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select

from desk.extensions import db
from desk.models import RetentionPolicy, RetentionSettings, SellerAccount
from desk.services.errors import N_, ValidationError

WARSAW = ZoneInfo("Europe/Warsaw")


class DataClass(enum.StrEnum):
    ORDER_IDENTITY = "order_identity"  # buyer identity, delivery and invoice address, shipment receiver
    ISSUE_TEXTS = "issue_texts"  # discussions, claims and post-purchase problems: texts and files
    PRESALE_THREADS = "presale_threads"  # Message Center questions without an order
    LABEL_FILES = "label_files"  # label PDFs kept for reprints
    ACCESS_LOG = "access_log"  # who saw which buyer's data (desk-wide)
    PRIVACY_RECEIPTS = "privacy_receipts"  # the retention job's own receipts (no personal data)


class Unit(enum.StrEnum):
    YEARS_AFTER_YEAR_END = "years"  # whole years after 31 Dec of the clock's year
    MONTHS = "months"
    DAYS = "days"


@dataclass(frozen=True)
class ClassRule:
    """A data class's default ceiling, its floor and the largest ceiling the form accepts, in `unit`."""

    data_class: DataClass
    unit: Unit
    default: int
    floor: int
    maximum: int


RULES: dict[DataClass, ClassRule] = {
    # 2-year consumer conformity (art. 43c u.p.k.) + 1-year complaint documents (art. 74 ust. 2 pkt 6 UoR);
    # the floor keeps the conformity window
    DataClass.ORDER_IDENTITY: ClassRule(DataClass.ORDER_IDENTITY, Unit.YEARS_AFTER_YEAR_END, 3, 2, 10),
    # complaint documents: one year after the complaint is settled (art. 74 ust. 2 pkt 6 UoR)
    DataClass.ISSUE_TEXTS: ClassRule(DataClass.ISSUE_TEXTS, Unit.YEARS_AFTER_YEAR_END, 3, 1, 10),
    # no duty to keep a question; the floor leaves the conversation usable for a month
    DataClass.PRESALE_THREADS: ClassRule(DataClass.PRESALE_THREADS, Unit.MONTHS, 12, 1, 120),
    # operational only: reprints until the parcel is handed over
    DataClass.LABEL_FILES: ClassRule(DataClass.LABEL_FILES, Unit.DAYS, 90, 14, 3650),
    # accountability and breach forensics need a window longer than a breach takes to be noticed
    DataClass.ACCESS_LOG: ClassRule(DataClass.ACCESS_LOG, Unit.MONTHS, 12, 3, 120),
    # defence of claims: 6 years general limitation, 3 years for business claims (art. 118 KC)
    DataClass.PRIVACY_RECEIPTS: ClassRule(DataClass.PRIVACY_RECEIPTS, Unit.YEARS_AFTER_YEAR_END, 6, 3, 10),
}
# When the seller keeps its sales record in the desk, identity lasts until the tax liability of the sale
# is time-barred: 5 years after the end of the year the tax fell due (art. 70 par. 1, art. 86 Ordynacja
# podatkowa, art. 112 VAT), i.e. the end of the year of sale + 6.
SALES_RECORD_RULE = ClassRule(DataClass.ORDER_IDENTITY, Unit.YEARS_AFTER_YEAR_END, 6, 6, 10)


@dataclass(frozen=True)
class ClassPolicy:
    """One class of one account as the job and the settings page see it."""

    rule: ClassRule
    ceiling: int
    changed: bool  # the owner changed the default

    @property
    def data_class(self) -> DataClass:
        return self.rule.data_class

    def cutoff(self, now: dt.datetime) -> dt.datetime:
        """Rows whose clock is before this are due at `now`."""
        return cutoff(self.rule.unit, self.ceiling, now)


@dataclass(frozen=True)
class AccountPolicy:
    account_id: int
    active: bool
    sales_record: bool
    activated_at: dt.datetime | None
    classes: dict[DataClass, ClassPolicy]

    def __getitem__(self, data_class: DataClass) -> ClassPolicy:
        return self.classes[data_class]


def rule_for(data_class: DataClass, *, sales_record: bool) -> ClassRule:
    """The rule of `data_class` (order identity follows the tax horizon for a sales record)."""
    if data_class is DataClass.ORDER_IDENTITY and sales_record:
        return SALES_RECORD_RULE
    return RULES[data_class]


def account_policy(account_id: int) -> AccountPolicy:
    """The account's retention settings: defaults, replaced by what the owner changed."""
    settings = db.session.get(RetentionSettings, account_id)
    sales_record = bool(settings and settings.sales_record)
    stored = {
        row.data_class: row.ceiling
        for row in db.session.scalars(select(RetentionPolicy).where(RetentionPolicy.account_id == account_id))
    }
    classes = {}
    for data_class in DataClass:
        rule = rule_for(data_class, sales_record=sales_record)
        ceiling = stored.get(data_class.value)
        if ceiling is None:
            classes[data_class] = ClassPolicy(rule, rule.default, False)
        else:  # a sales-record switch may have raised the floor above a stored ceiling
            classes[data_class] = ClassPolicy(rule, max(ceiling, rule.floor), True)
    return AccountPolicy(
        account_id=account_id,
        active=bool(settings and settings.active),
        sales_record=sales_record,
        activated_at=settings.activated_at if settings else None,
        classes=classes,
    )


def set_ceiling(account_id: int, data_class: DataClass, ceiling: int, *, agent_id: int | None,
                now: dt.datetime) -> None:
    """Store an owner's ceiling for one class; refused below the class's floor or above its maximum.
    Setting the default again removes the stored row."""
    rule = rule_for(data_class, sales_record=account_policy(account_id).sales_record)
    check_ceiling(rule, ceiling)
    row = db.session.scalar(
        select(RetentionPolicy).where(
            RetentionPolicy.account_id == account_id, RetentionPolicy.data_class == data_class.value
        )
    )
    if ceiling == rule.default:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(RetentionPolicy(
            account_id=account_id, data_class=data_class.value, ceiling=ceiling, updated_by=agent_id,
            updated_at=now,
        ))
    else:
        row.ceiling, row.updated_by, row.updated_at = ceiling, agent_id, now
    db.session.commit()


def check_ceiling(rule: ClassRule, ceiling: int) -> None:
    """Raise ValidationError (a Polish message in the views) for a ceiling outside floor..maximum."""
    if ceiling < rule.floor:
        raise ValidationError(TOO_SHORT[rule.unit], floor=rule.floor)
    if ceiling > rule.maximum:
        raise ValidationError(TOO_LONG[rule.unit], maximum=rule.maximum)


TOO_SHORT = {
    Unit.YEARS_AFTER_YEAR_END: N_(
        "The period cannot be shorter than the legal minimum (years after the end of the year: %(floor)s)."
    ),
    Unit.MONTHS: N_("The period cannot be shorter than the minimum (months: %(floor)s)."),
    Unit.DAYS: N_("The period cannot be shorter than the minimum (days: %(floor)s)."),
}
TOO_LONG = {
    Unit.YEARS_AFTER_YEAR_END: N_(
        "The period cannot be longer than %(maximum)s years after the end of the year."
    ),
    Unit.MONTHS: N_("The period cannot be longer than %(maximum)s months."),
    Unit.DAYS: N_("The period cannot be longer than %(maximum)s days."),
}


def set_sales_record(account_id: int, sales_record: bool, *, now: dt.datetime) -> None:
    """Whether the desk is the seller's sales record (order identity then kept to the tax horizon)."""
    settings = _settings(account_id)
    settings.sales_record, settings.updated_at = sales_record, now
    db.session.commit()


def activate(account_id: int, *, agent_id: int | None, now: dt.datetime) -> None:
    """Let the daily job act on the account (the owner has seen a dry run first)."""
    settings = _settings(account_id)
    settings.active, settings.activated_at, settings.activated_by = True, now, agent_id
    settings.updated_at = now
    db.session.commit()


def deactivate(account_id: int, *, now: dt.datetime) -> None:
    """Stop the daily job for the account (what it did stays done)."""
    settings = _settings(account_id)
    settings.active, settings.updated_at = False, now
    db.session.commit()


def active_account_ids() -> list[int]:
    """Accounts whose owner activated retention."""
    return list(db.session.scalars(
        select(RetentionSettings.account_id).where(RetentionSettings.active.is_(True))
        .order_by(RetentionSettings.account_id)
    ))


def all_account_ids() -> list[int]:
    """Every seller account (a dry run previews accounts whose retention is not active yet too)."""
    return list(db.session.scalars(select(SellerAccount.id).order_by(SellerAccount.id)))


def _settings(account_id: int) -> RetentionSettings:
    settings = db.session.get(RetentionSettings, account_id)
    if settings is None:
        settings = RetentionSettings(account_id=account_id)
        db.session.add(settings)
    return settings


def cutoff(unit: Unit, ceiling: int, now: dt.datetime) -> dt.datetime:
    """The earliest clock that is not yet due at `now` (UTC).

    Years count from the end of the clock's calendar year in Warsaw: with 3, anything of 2023 is due
    from 1 Jan 2027 00:00 Warsaw time, i.e. everything before 1 Jan 2024 (Warsaw) at that moment."""
    if unit is Unit.YEARS_AFTER_YEAR_END:
        year = now.astimezone(WARSAW).year - ceiling
        return dt.datetime(year, 1, 1, tzinfo=WARSAW).astimezone(dt.UTC)
    if unit is Unit.MONTHS:
        return add_months(now, -ceiling)
    return now - dt.timedelta(days=ceiling)


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """`moment` moved by whole calendar months (the day clamped to the month's length)."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def keep_days(policy: ClassPolicy, now: dt.datetime) -> int:
    """The class's ceiling as whole days back from `now` (for ports that count in days)."""
    return max((now - policy.cutoff(now)).days, 0)
