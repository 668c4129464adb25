"""Agents' ratings pages: the list with the whole story, the new-negative queue, answers, removal
requests and the CSV export."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from flask import (
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from desk.models import OutboxState, Role
from desk.models.rating import DraftKind, DraftState
from desk.orm import utcnow
from desk.services.errors import ConflictError, ValidationError
from desk.services.ratings import actions as rating_actions
from desk.services.ratings import export as rating_export
from desk.services.ratings import listing as ratings
from desk.views import labels
from desk.views.access import account_options, visible_account_ids
from desk.views.errors import message_for, write_error
from desk.views.forms import flash_outcome, new_key, posted_key
from desk.views.pii import LOGIN_ONLY, Seen, pii, revealed, searched
from desk.views.query_args import date_range, page_links, parse_id
from desk.views.ratings.blueprint import WARSAW, bp
from desk.views.security import safe_redirect_target
from desk.wiring import get_allegro, settings

FILTER_ARGS = ("account", "recommended", "unanswered", "removal", "new", "date_from", "date_to", "buyer",
               "per_page")
PAGE_SIZES = (10, 25, 50, 100)


# --- list, queue and export ---------------------------------------------------------------------


@bp.get("/")
@pii("rating", classes=LOGIN_ONLY + ("free_text",), action="list")
def index():
    filters, invalid = parse_filters(request.args)
    per_page = request.args.get("per_page", type=int)
    page = ratings.list_ratings(
        filters=filters, account_ids=visible_account_ids(), after=request.args.get("after"),
        limit=per_page if per_page in PAGE_SIZES else 50,
    )
    args = _args()
    seen = [Seen("rating", r.rating.id, r.rating.account_id, r.rating.buyer_allegro_id) for r in page.rows]
    if filters.buyer:  # a search by the buyer's login
        searched("rating", seen, filters.buyer)
    else:
        revealed("rating", seen)
    return render_template(
        "ratings/index.html", page=page, filters=filters, args=args, invalid=invalid,
        account_options=account_options(), page_sizes=[(n, n) for n in PAGE_SIZES],
        **page_links(page, args),
    )


def _args() -> dict[str, str]:
    return {name: request.args[name] for name in FILTER_ARGS if request.args.get(name)}


def parse_filters(args: Mapping[str, str]) -> tuple[ratings.RatingFilters, list[str]]:
    """Filters from the query string, and the names of the values that could not be read."""
    invalid: list[str] = []
    dates = date_range(args, invalid)
    account = (args.get("account") or "").strip()
    recommended = {"yes": True, "no": False}.get(args.get("recommended") or "")
    removal = args.get("removal") if args.get("removal") in ratings.REMOVAL_FILTERS else None
    return ratings.RatingFilters(
        account_id=parse_id(account),
        recommended=recommended,
        unanswered=args.get("unanswered") in ("1", "on"),
        removal=removal,
        new_only=args.get("new") in ("1", "on"),
        buyer=(args.get("buyer") or "").strip()[:120],
        **dates,
    ), invalid


@bp.get("/export.csv")
@pii("rating", classes=LOGIN_ONLY + ("free_text",), action="export")
def export():
    filters, _invalid = parse_filters(request.args)
    exported = rating_export.exported_ratings(filters=filters, account_ids=visible_account_ids())
    revealed("rating", [Seen("rating", *row) for row in exported])
    chunks = rating_export.export_csv(
        filters=filters, account_ids=visible_account_ids(), headings=_strings(labels.RATING_EXPORT_HEADINGS),
        words=_strings(labels.RATING_EXPORT_WORDS),
    )
    name = f"oceny-{dt.datetime.now(WARSAW):%Y%m%d-%H%M}.csv"
    return Response(
        stream_with_context(chunks), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _strings(table: Mapping[str, Any]) -> dict[str, str]:
    return {code: str(label) for code, label in table.items()}


@bp.post("/acknowledge")
def acknowledge():
    ids = request.form.getlist("rating_ids", type=int)
    count = ratings.acknowledge(ids, agent_id=current_user.id, account_ids=visible_account_ids())
    flash(_("Marked as seen: %(count)d.", count=count), "success")
    return redirect(safe_redirect_target(request.form.get("back")) or url_for(".index"))


# --- one rating: answer and removal -------------------------------------------------------------


@bp.get("/<int:rating_id>")
@pii("rating", classes=LOGIN_ONLY + ("free_text",), id_arg="rating_id")
def detail(rating_id: int):
    return _detail(rating_id)


def _detail(rating_id: int, *, answer_form=None, removal_form=None, code: int = 200):
    detail = ratings.rating_detail(rating_id, visible_account_ids())
    rating = detail.rating
    templates = ratings.list_templates()
    if answer_form is None:
        text = _template_text(request.args.get("template"), templates, detail)
        answer_form = {"text": text, "key": new_key()}
    return render_template(
        "ratings/detail.html", detail=detail, rating=rating, order=detail.story.order,
        lines=ratings.order_lines(rating.order_id),
        answer_templates=[(t, ratings.fill_template(t.body, rating, detail.story.order))
                          for t in templates if t.kind is DraftKind.ANSWER],
        removal_templates=[(t, ratings.fill_template(t.body, rating, detail.story.order))
                           for t in templates if t.kind is DraftKind.REMOVAL],
        answer_form=answer_form, removal_form=removal_form or {"key": new_key()},
        needs_approval=_needs_approval(), removal_open=rating.removal_open(utcnow()),
    ), code


def _template_text(template_id: str | None, templates, detail) -> str:
    """Without JavaScript a template is picked by reloading the page with ?template=<id>."""
    chosen = next((t for t in templates if str(t.id) == (template_id or "")), None)
    return ratings.fill_template(chosen.body, detail.rating, detail.story.order) if chosen else ""


def _needs_approval() -> bool:
    return settings().rating_answer_approval and current_user.role == Role.AGENT


@bp.post("/<int:rating_id>/answer")
@pii("rating", classes=LOGIN_ONLY + ("free_text",), id_arg="rating_id")
def answer(rating_id: int):
    return _write(rating_id, "answer_form", rating_actions.answer_rating, needs_approval=_needs_approval())


@bp.post("/<int:rating_id>/removal")
@pii("rating", classes=LOGIN_ONLY + ("free_text",), id_arg="rating_id")
def removal(rating_id: int):
    return _write(rating_id, "removal_form", rating_actions.request_removal)


def _write(rating_id: int, form_name: str, write: Callable[..., Any], **options: Any):
    """Send the posted text with `write`; input Allegro would refuse comes back in its form."""
    text = request.form.get("text", "")
    try:
        draft = write(
            get_allegro(), rating_id=rating_id, text=text, agent_id=current_user.id,
            idempotency_key=posted_key(), account_ids=visible_account_ids(), **options,
        )
    except (ValidationError, ConflictError) as exc:
        form = {"text": text, "key": new_key(), "error": message_for(exc)}
        return _detail(rating_id, **{form_name: form}, code=422)
    return _after_write(rating_id, draft, form_name)


def _after_write(rating_id: int, draft, form_name: str):
    """Back to the rating, or the same form with the text kept and the reason when Allegro refused."""
    if draft.state is DraftState.PROPOSED:
        flash(_("The answer waits for an owner's approval."), "warning")
        return redirect(url_for(".detail", rating_id=rating_id))
    message = draft.message
    if message is not None and message.state is OutboxState.FAILED:
        error = write_error(message.last_error_code, message.last_error)
        form = {"text": draft.text, "key": new_key(), "error": error}
        return _detail(rating_id, **{form_name: form}, code=422)
    sent = _("Published on Allegro.") if draft.kind is DraftKind.ANSWER else _(
        "The removal request has been sent to Allegro."
    )
    flash_outcome(message, sent=sent, waiting=_("Saved in the desk; it will be sent to Allegro shortly."))
    return redirect(url_for(".detail", rating_id=rating_id))


@bp.post("/<int:rating_id>/acknowledge")
def acknowledge_one(rating_id: int):
    ratings.acknowledge([rating_id], agent_id=current_user.id, account_ids=visible_account_ids())
    return redirect(safe_redirect_target(request.form.get("back")) or url_for(".detail", rating_id=rating_id))


@bp.post("/drafts/<int:draft_id>/retry")
def retry(draft_id: int):
    draft = rating_actions.retry_draft(get_allegro(), draft_id, visible_account_ids())
    message = draft.message
    reason = write_error(message.last_error_code, message.last_error) if message else ""
    flash_outcome(message, sent=_("Published on Allegro."), waiting=reason)
    return redirect(url_for(".detail", rating_id=draft.rating_id))

