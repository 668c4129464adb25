"""An account's billing page (balance, what it may spend, entries, payouts due, the price list in force,
how to top up), its billing profile form and the withdrawal request. Agents reach only the accounts they
are assigned to; owners and administrators edit the profile and withdraw."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from desk.orm import utcnow
from desk.services import accounts as account_area
from desk.services import shipping
from desk.services.billing import inputs, profiles, statement, withdrawals
from desk.services.billing.invoices import listing as invoice_listing
from desk.services.billing.ledger import balance, profile
from desk.services.errors import DeskError, NotFoundError
from desk.services.shared.workdays import warsaw_date
from desk.views.access import ensure_account_visible, require_roles
from desk.views.billing.blueprint import OWNERS, amount_text, bp, error_text, field_errors, is_admin
from desk.views.forms import new_key
from desk.views.query_args import parse_id
from desk.wiring.billing import billing_policy


@bp.get("/")
def index():
    """Every account the agent may see, with its balance."""
    accounts = account_area.visible_accounts(current_user)
    return render_template(
        "billing/index.html", rows=[(account, balance(account.id)) for account in accounts]
    )


def _account(account_id: int):
    ensure_account_visible(account_id)
    try:
        return account_area.get_account(account_id)
    except NotFoundError:
        abort(404)


@bp.get("/accounts/<int:account_id>")
def account(account_id: int):
    """The account's billing page."""
    return _page(_account(account_id))


def _page(found, *, status: int = 200, **forms):
    flt, filter_errors = statement.parse_filter(request.args)
    entries = statement.entries_page(
        found.id, flt, before=parse_id(request.args.get("before")), after=parse_id(request.args.get("after"))
    )
    args = flt.args()
    policy = billing_policy()
    today = warsaw_date(utcnow())
    forms.setdefault("withdrawal", {"idempotency_key": new_key()})
    forms.setdefault("topup", {"idempotency_key": new_key(), "booked_on": today.isoformat()})
    return render_template(
        "billing/account.html",
        account=found,
        summary=statement.summary(found.id, policy),
        policy=policy,
        flt=flt,
        filter_errors={name: [error_text(error)] for name, error in filter_errors.items()},
        entries=entries,
        newer_url=_page_url(found.id, args, after=entries.newer),
        older_url=_page_url(found.id, args, before=entries.older),
        price_list=shipping.price_list_for(found.id, today),
        bank_name=inputs.bank_name(policy.bank_account) if policy.bank_account else "",
        payout_bank=inputs.bank_name(profile(found.id).payout_iban) if profile(found.id).payout_iban else "",
        due_preview=withdrawals.due_on(utcnow(), policy),
        recent_invoices=invoice_listing.recent(found.id, today=today),
        today=today,
        forms=forms,
    ), status


def _page_url(account_id: int, args: dict[str, str], **mark: int | None) -> str | None:
    if all(value is None for value in mark.values()):
        return None
    return url_for(".account", account_id=account_id, **args, **mark)


@bp.route("/accounts/<int:account_id>/profile", methods=["GET", "POST"])
@require_roles(*OWNERS)
def edit_profile(account_id: int):
    """The billing profile: company data, NIP, billing e-mail, payout account, invoice mode; the payment
    mode and credit limit for administrators."""
    found = _account(account_id)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = request.form.to_dict()
        try:
            profiles.save_profile(found.id, form, may_set_terms=is_admin())
        except inputs.FormErrors as error:
            errors = field_errors(error)
        else:
            flash(_("The billing profile has been saved."), "success")
            return redirect(url_for(".account", account_id=found.id))
        values = profiles.form_values(profile(found.id)) | form
    else:
        values = profiles.form_values(profile(found.id))
    bank = ""
    if not errors.get("payout_iban") and values.get("payout_iban"):
        bank = inputs.bank_name(values["payout_iban"].replace(" ", ""))
    return render_template(
        "billing/profile.html", account=found, values=values, errors=errors, bank_name=bank
    ), 422 if errors else 200


@bp.post("/accounts/<int:account_id>/withdrawals")
@require_roles(*OWNERS)
def withdraw(account_id: int):
    """Ask for a payout of the balance to the profile's bank account."""
    found = _account(account_id)
    form = {name: request.form.get(name, "") for name in ("amount", "idempotency_key")}
    try:
        payout = withdrawals.request_withdrawal(
            found.id, form["amount"], key=form["idempotency_key"], actor_id=current_user.id, now=utcnow(),
            policy=billing_policy(),
        )
    except inputs.FieldError as error:
        return _page(found, status=422, withdrawal=form | {"errors": {error.field: [error_text(error)]}})
    except DeskError as error:
        return _page(found, status=422, withdrawal=form | {"errors": {"amount": [error_text(error)]}})
    flash(
        _("The withdrawal of %(amount)s zł has been requested; it will be paid by %(day)s.",
          amount=amount_text(payout.amount), day=payout.due_on.strftime("%d.%m.%Y")),
        "success",
    )
    return redirect(url_for(".account", account_id=found.id))
