"""Retencja danych: per seller account, how long each class of buyers' data is kept (floor and ceiling),
whether the desk is the sales record, a dry-run preview and the activation of the daily job, and the
job's receipts. Owners and administrators only."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from desk.models import RetentionRun
from desk.orm import utcnow
from desk.services.errors import DeskError
from desk.services.privacy import retention, retention_policy, retention_receipts
from desk.services.privacy.retention_policy import DataClass, Unit
from desk.views.access import account_options, owners_only
from desk.views.privacy.blueprint import bp, section
from desk.wiring import get_clock
from desk.wiring.retention import retention_ports

CLASS_LABELS = {
    DataClass.ORDER_IDENTITY: _l("Buyer and delivery data of orders, shipment receivers"),
    DataClass.ISSUE_TEXTS: _l("Texts and files of discussions, claims and purchase problems"),
    DataClass.PRESALE_THREADS: _l("Questions without an order (Message Center)"),
    DataClass.LABEL_FILES: _l("Label PDFs"),
    DataClass.ACCESS_LOG: _l("Access log (who viewed buyers' data)"),
    DataClass.PRIVACY_RECEIPTS: _l("Retention receipts"),
}
CLOCKS = {
    DataClass.ORDER_IDENTITY: _l("from the end of the year of delivery or cancellation"),
    DataClass.ISSUE_TEXTS: _l("from the end of the year the conversation was closed"),
    DataClass.PRESALE_THREADS: _l("from the last message"),
    DataClass.LABEL_FILES: _l("from the download"),
    DataClass.ACCESS_LOG: _l("from the event"),
    DataClass.PRIVACY_RECEIPTS: _l("from the end of the year of the run"),
}
SALES_RECORD_CLOCK = _l("from the end of the year of sale")
ACTIONS = {
    DataClass.ORDER_IDENTITY: _l("then pseudonymised"),
    DataClass.ISSUE_TEXTS: _l("then texts and files removed"),
    DataClass.PRESALE_THREADS: _l("then texts and files removed"),
    DataClass.LABEL_FILES: _l("then deleted"),
    DataClass.ACCESS_LOG: _l("then deleted"),
    DataClass.PRIVACY_RECEIPTS: _l("then deleted"),
}
UNITS = {
    Unit.YEARS_AFTER_YEAR_END: _l("years after the end of the year"),
    Unit.MONTHS: _l("months after"),
    Unit.DAYS: _l("days after"),
}

section("privacy.retention", _l("Retention"), _l("How long buyers' data is kept, and the daily job."))


@bp.get("/retention")
@owners_only
def retention_page():
    """The retention settings of one account (the first one unless ?account= names another)."""
    options = account_options()
    if not options:
        return render_template("privacy/retention.html", options=options, account_id=None)
    account_id = _chosen(options, request.args.get("account"))
    return _page(options, account_id)


def _chosen(options, raw) -> int:
    ids = [account_id for account_id, _name in options]
    try:
        wanted = int(raw) if raw else ids[0]
    except ValueError:
        abort(404)
    if wanted not in ids:
        abort(404)
    return wanted


def _page(options, account_id: int, *, errors: dict[str, str] | None = None, values=None, status=200):
    policy = retention_policy.account_policy(account_id)
    preview = retention_receipts.latest_preview(account_id)
    rows = [_row(policy, data_class, (values or {}).get(data_class.value)) for data_class in DataClass]
    return render_template(
        "privacy/retention.html",
        options=options,
        account_id=account_id,
        policy=policy,
        rows=rows,
        errors=errors or {},
        preview=preview,
        preview_text=describe(preview) if preview else "",
        runs=[(run, describe(run)) for run in retention_receipts.recent_runs(account_id)],
    ), status


def _row(policy, data_class: DataClass, posted: str | None) -> dict:
    item = policy[data_class]
    clock = SALES_RECORD_CLOCK if data_class is DataClass.ORDER_IDENTITY and policy.sales_record else None
    return {
        "key": data_class.value,
        "label": CLASS_LABELS[data_class],
        "clock": clock or CLOCKS[data_class],
        "unit": UNITS[item.rule.unit],
        "floor": item.rule.floor,
        "default": item.rule.default,
        "ceiling": posted if posted is not None else item.ceiling,
        "changed": item.changed,
        "action": ACTIONS[data_class],
    }


@bp.post("/retention/<int:account_id>/ceilings")
@owners_only
def retention_ceilings(account_id: int):
    """Save the ceilings of every class; one below its floor is refused with the reason."""
    options = account_options()
    _chosen(options, str(account_id))
    errors: dict[str, str] = {}
    values = {data_class.value: request.form.get(data_class.value, "").strip() for data_class in DataClass}
    for data_class in DataClass:
        raw = values[data_class.value]
        if not raw.isdigit():
            errors[data_class.value] = gettext("Enter a whole number.")
            continue
        try:
            retention_policy.set_ceiling(
                account_id, data_class, int(raw), agent_id=current_user.id, now=utcnow()
            )
        except DeskError as error:
            errors[data_class.value] = gettext(error.message, **error.params)
    if errors:
        flash(gettext("Some periods were not saved. Correct the marked fields."), "error")
        return _page(options, account_id, errors=errors, values=values, status=422)
    flash(gettext("The retention periods have been saved."), "success")
    return redirect(url_for(".retention_page", account=account_id))


@bp.post("/retention/<int:account_id>/sales-record")
@owners_only
def retention_sales_record(account_id: int):
    """Whether the desk is the seller's sales record (identity then kept to the tax horizon)."""
    _chosen(account_options(), str(account_id))
    retention_policy.set_sales_record(account_id, request.form.get("sales_record") == "1", now=utcnow())
    flash(gettext("Saved."), "success")
    return redirect(url_for(".retention_page", account=account_id))


@bp.post("/retention/<int:account_id>/preview")
@owners_only
def retention_preview(account_id: int):
    """A dry run now: what the job would do, changing nothing (its receipt is kept as the preview)."""
    _chosen(account_options(), str(account_id))
    retention.run_account(retention_ports(), account_id, now=get_clock().now(), dry_run=True)
    return redirect(url_for(".retention_page", account=account_id) + "#preview")


@bp.post("/retention/<int:account_id>/activation")
@owners_only
def retention_activation(account_id: int):
    """Activate the daily job for the account (only after a preview), or stop it."""
    _chosen(account_options(), str(account_id))
    if request.form.get("active") == "1":
        if retention_receipts.latest_preview(account_id) is None:
            flash(gettext("Run the preview first: it shows what the job will do."), "error")
            return redirect(url_for(".retention_page", account=account_id))
        retention_policy.activate(account_id, agent_id=current_user.id, now=utcnow())
        flash(gettext("Retention is active: the daily job will act on this account."), "success")
    else:
        retention_policy.deactivate(account_id, now=utcnow())
        flash(gettext("Retention is stopped for this account."), "success")
    return redirect(url_for(".retention_page", account=account_id))


def describe(run: RetentionRun) -> str:
    """What a receipt says, in a sentence: "would pseudonymise 4 312 orders, 120 questions..."."""
    rows = run.rows or {}

    def count(data_class: DataClass) -> str:
        return format_decimal(rows.get(data_class.value, 0))

    parts = {
        "orders": ngettext("%(count)s order", "%(count)s orders", _n(rows, DataClass.ORDER_IDENTITY),
                           count=count(DataClass.ORDER_IDENTITY)),
        "conversations": ngettext("%(count)s conversation", "%(count)s conversations",
                                  _n(rows, DataClass.ISSUE_TEXTS), count=count(DataClass.ISSUE_TEXTS)),
        "questions": ngettext(
            "%(count)s question without an order", "%(count)s questions without an order",
            _n(rows, DataClass.PRESALE_THREADS), count=count(DataClass.PRESALE_THREADS),
        ),
        "labels": ngettext("%(count)s label", "%(count)s labels", _n(rows, DataClass.LABEL_FILES),
                           count=count(DataClass.LABEL_FILES)),
    }
    if run.account_id is None:
        return gettext("Access log entries deleted: %(count)s.", count=count(DataClass.ACCESS_LOG))
    if run.dry_run:
        return gettext(
            "To pseudonymise: %(orders)s; texts to remove: %(conversations)s and %(questions)s; "
            "to delete: %(labels)s.", **parts
        )
    return gettext(
        "Pseudonymised: %(orders)s; texts removed: %(conversations)s and %(questions)s; "
        "deleted: %(labels)s.", **parts
    )


def _n(rows: dict, data_class: DataClass) -> int:
    return int(rows.get(data_class.value, 0))
