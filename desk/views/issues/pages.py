"""Agents' pages for discussions and claims: the inbox, the issue page, replies, decisions, assignment."""
from __future__ import annotations

import io
from collections.abc import Mapping

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from desk.models import OutboxState
from desk.orm import utcnow
from desk.services import complaints as complaint_area
from desk.services.errors import DeskError, NotFoundError, ValidationError
from desk.services.issues import assignment as issue_assignment
from desk.services.issues import claims as issue_claims
from desk.services.issues import detail as issue_detail
from desk.services.issues import inbox as issues
from desk.services.issues import page as issue_page
from desk.services.issues import replies as issue_replies
from desk.services.issues import templates as issue_templates
from desk.services.issues import uploads as issue_uploads
from desk.services.issues.threads import reading as thread_reading
from desk.services.shipping.tracking import parcels as shipping_parcels
from desk.views import labels
from desk.views.access import account_options, visible_account_ids
from desk.views.catalog import translated
from desk.views.complaint_labels import FOR_COMPLAINTS
from desk.views.errors import flashing_errors, message_for
from desk.views.forms import flash_outcome, posted_key
from desk.views.forms import new_key as _key
from desk.views.issues.blueprint import bp, issue_write_error
from desk.views.pii import CONVERSATION_CLASSES, LOGIN_ONLY, Seen, pii, revealed, searched
from desk.views.query_args import page_links, parse_id
from desk.wiring import get_allegro, settings
from desk.wiring.parcels import stuck_rules

FILTER_ARGS = ("queue", "account", "type", "assignee", "q")
PREVIEWABLE = frozenset({"image/png", "image/jpeg", "image/gif", "image/bmp"})
DOWNLOADABLE = PREVIEWABLE | {"image/tiff", "application/pdf"}
KEY_LENGTH = 80  # the services prefix the form's key with the issue; the outbox stores 120 characters


# --- inbox --------------------------------------------------------------------------------------


@bp.get("/")
@pii("issue", classes=LOGIN_ONLY, action="list")
def index():
    filters = _filters(request.args)
    queue = request.args.get("queue") if request.args.get("queue") in issues.QUEUES else "reply"
    now = utcnow()
    rules = settings().deadlines
    accounts = visible_account_ids()
    page = issues.list_inbox(
        queue, filters=filters, account_ids=accounts, agent_id=current_user.id, policy=rules,
        after=request.args.get("after"), now=now,
    )
    args = {name: request.args[name] for name in FILTER_ARGS if request.args.get(name)}
    args["queue"] = queue
    counts = issues.queue_counts(account_ids=accounts, agent_id=current_user.id, policy=rules, now=now)
    _log_rows(page, filters.query)
    return render_template(
        "issues/index.html",
        page=page,
        queue=queue,
        filters=filters,
        args=args,
        counts=counts,
        nav_waiting=counts["reply"],  # the navigation badge's count: the same query
        now=now,
        rules=rules,
        account_options=account_options(),
        **page_links(page, args),
    )


def _log_rows(page: issues.InboxPage, query: str) -> None:
    """The inbox shows each row's buyer login: one log row per conversation (a search keeps its query)."""
    seen = [Seen("issue", r.issue.id, r.issue.account_id, r.issue.buyer_allegro_id) for r in page.rows]
    if query:
        searched("issue", seen, query)
    else:
        revealed("issue", seen)


def _filters(args: Mapping[str, str]) -> issues.InboxFilters:
    account = (args.get("account") or "").strip()
    return issues.InboxFilters(
        account_id=parse_id(account),
        type=args.get("type") if args.get("type") in labels.ISSUE_TYPES else None,
        assignee=(args.get("assignee") or "").strip()[:12] or None,
        query=(args.get("q") or "").strip()[:120],
    )


# --- one issue ----------------------------------------------------------------------------------


@bp.get("/<int:issue_id>")
@pii("issue", classes=CONVERSATION_CLASSES, id_arg="issue_id")
def detail(issue_id: int):
    return _detail(issue_id, opened=True)


def _detail(
    issue_id: int, *, reply_form=None, decision_form=None, note_form=None, warning=None, code=200,
    opened: bool = False,
):
    """The issue page; forms that failed come back with the agent's input and the reason. `opened`:
    an agent opened the page (a thread is then marked read on Allegro, when the desk is set so)."""
    config = settings()
    page = issue_page.issue_page(
        issue_id, visible_account_ids(), agent_id=current_user.id, writing=bool(reply_form),
        rules=config.deadlines,
    )
    reply_form = reply_form or {"text": page.draft_text, "type": "REGULAR"}
    reply_form.setdefault("key", _key())
    html = render_template(
        "issues/detail.html",
        page=page,
        detail=page.detail,
        issue=page.detail.issue,
        now=page.now,
        rules=page.rules,
        reply_deadline=page.reply_deadline,
        allegro_deadline=page.allegro_deadline,
        others=page.others,
        writes=page.writes,
        message_types=page.message_types,
        decisions=page.decisions,
        templates=page.templates,
        template_options=[(t.id, t.name) for t in page.templates],
        decision_options=[(code, labels.DECISIONS.get(code, code)) for code in page.decisions],
        type_options=[(code, labels.MESSAGE_TYPES.get(code, code)) for code in page.message_types],
        agents=page.agents,
        lines=page.lines,
        shipments=page.shipments,
        parcels=_parcels(page.detail.order),
        linked_complaints=complaint_area.listing.for_issue(page.detail.issue.id, visible_account_ids()),
        complaint_labels=translated(FOR_COMPLAINTS),
        upload_limits=_upload_limits(page.detail.issue, config.max_request_bytes),
        kept_files=page.kept_files,
        reply_form=reply_form,
        decision_form=(decision_form or {}) | {"key": (decision_form or {}).get("key") or _key()},
        note_form=note_form or {},
        warning=warning,
    )
    issue = page.detail.issue
    if opened and issue.is_thread:  # after rendering: the page shows the flag as the agent found it
        thread_reading.mirror_read(issue, enabled=config.mirror_read)
    return html, code




def _parcels(order) -> list:
    """The desk's own parcels of the issue's order (the side panel shows their state)."""
    if order is None:
        return []
    return shipping_parcels.order_parcels(order.id, visible_account_ids(), stuck_rules())


def _upload_limits(issue, request_bytes: int) -> dict[str, int]:
    """What the reply form allows: the request, one file, the text (Message Center: 5 MB, 2000)."""
    return {"request": request_bytes, "file": issue_replies.attachment_limit(issue),
            "text": issue_replies.text_limit(issue), "files": issue_uploads.MAX_ATTACHMENTS}


@bp.post("/<int:issue_id>/reply")
@pii("issue", classes=CONVERSATION_CLASSES, id_arg="issue_id")
def reply(issue_id: int):
    # A body over MAX_CONTENT_LENGTH never gets here (the Polish 413 page; the page's script stops
    # such a send in the browser first, so the text stays); a file over 2 MB comes back below.
    form = {name: request.form.get(name, "") for name in ("text", "type", "seen_key", "template_id")}
    uploads = [
        issue_uploads.Upload(f.filename or "", f.read())
        for f in request.files.getlist("attachments")
        if f and f.filename
    ]
    form["key"] = posted_key(KEY_LENGTH)
    if request.form.get("action") == "template":
        return _apply_template(issue_id, form)
    try:
        outcome = issue_replies.send_reply(
            get_allegro(), issue_id=issue_id, agent_id=current_user.id, text=form["text"],
            message_type=form["type"] or "REGULAR", uploads=uploads, seen_key=form["seen_key"],
            idempotency_key=form["key"], account_ids=visible_account_ids(),
        )
    except NotFoundError:
        raise  # the error pages answer 404
    except DeskError as exc:  # invalid input, or an attachment Allegro refused: nothing was sent
        return _detail(issue_id, reply_form=form | {"error": message_for(exc), "key": _key()}, code=422)
    if outcome.chat_changed:
        warning = _("The chat changed since you opened the issue. Read the new messages; your reply was "
                    "not sent and is kept below.")
        return _detail(issue_id, reply_form=form | {"key": _key()}, warning=warning, code=409)
    message = outcome.message
    if message.state is OutboxState.FAILED:
        error = issue_write_error(message.last_error_code, message.last_error)
        return _detail(issue_id, reply_form=form | {"error": error, "key": _key()}, code=422)
    flash_outcome(message, sent=_("Message sent to the buyer."),
                  waiting=_("The message is saved in the desk and will be sent to Allegro shortly."))
    return redirect(url_for(".detail", issue_id=issue_id, _anchor="chat-end"))


def _apply_template(issue_id: int, form: dict):
    template_id = form.get("template_id") or ""
    if parse_id(template_id) is None:
        return _detail(issue_id, reply_form=form | {"error": _("Choose a template first.")}, code=422)
    try:
        filled = issue_templates.apply_template(
            template_id=parse_id(template_id), issue_id=issue_id, account_ids=visible_account_ids(),
            draft=form["text"], agent_name=current_user.name,
        )
    except ValidationError as exc:  # e.g. the template was deleted meanwhile: the draft stays
        return _detail(issue_id, reply_form=form | {"error": message_for(exc)}, code=422)
    missing = ["{" + name + "}" for name in filled.missing]
    return _detail(issue_id, reply_form=form | {"text": filled.text, "missing": missing})


@bp.post("/<int:issue_id>/decision")
@pii("issue", classes=CONVERSATION_CLASSES, id_arg="issue_id")
def decide(issue_id: int):
    form = {name: request.form.get(name, "") for name in ("decision", "message", "amount")}
    try:
        message = issue_claims.decide_claim(
            get_allegro(), issue_id=issue_id, decision=form["decision"], message=form["message"],
            refund_amount=form["amount"], agent_id=current_user.id, idempotency_key=posted_key(KEY_LENGTH),
            account_ids=visible_account_ids(),
        )
    except ValidationError as exc:
        return _detail(issue_id, decision_form=form | {"error": message_for(exc)}, code=422)
    if message.state is OutboxState.FAILED:
        error = issue_write_error(message.last_error_code, message.last_error)
        return _detail(issue_id, decision_form=form | {"error": error}, code=422)
    flash_outcome(message, sent=_("The decision has been sent to Allegro."),
                  waiting=_("The decision is saved in the desk and will be sent to Allegro shortly."))
    return redirect(url_for(".detail", issue_id=issue_id))


@bp.post("/<int:issue_id>/writes/<int:message_id>/retry")
def retry(issue_id: int, message_id: int):
    message = issue_replies.retry_write(
        get_allegro(), issue_id=issue_id, message_id=message_id, account_ids=visible_account_ids()
    )
    reason = issue_write_error(message.last_error_code, message.last_error)
    flash_outcome(message, sent=_("Sent to Allegro."), waiting=reason or _("It will be sent again shortly."))
    return redirect(url_for(".detail", issue_id=issue_id))


@bp.post("/<int:issue_id>/writes/<int:message_id>/discard")
def discard(issue_id: int, message_id: int):
    issue_replies.discard_write(issue_id=issue_id, message_id=message_id, account_ids=visible_account_ids())
    return redirect(url_for(".detail", issue_id=issue_id))


@bp.post("/<int:issue_id>/assign")
def assign(issue_id: int):
    choice = request.form.get("agent_id", "")
    agent_id = current_user.id if choice == "me" else parse_id(choice)
    try:
        issue_assignment.assign(issue_id, agent_id=agent_id, acting_agent_id=current_user.id,
                                account_ids=visible_account_ids())
    except ValidationError as exc:
        flash(message_for(exc), "error")
    else:
        flash(_("Assignment saved."), "success")
    return redirect(url_for(".detail", issue_id=issue_id))


@bp.post("/<int:issue_id>/notes")
@pii("issue", classes=CONVERSATION_CLASSES, id_arg="issue_id")
def add_note(issue_id: int):
    text = request.form.get("text", "")
    try:
        issue_detail.add_note(
            issue_id, text=text, agent_id=current_user.id, account_ids=visible_account_ids()
        )
    except ValidationError as exc:
        return _detail(issue_id, note_form={"text": text, "error": message_for(exc)}, code=422)
    flash(_("Note added."), "success")
    return redirect(url_for(".detail", issue_id=issue_id, _anchor="notes"))


@bp.post("/<int:issue_id>/refresh")
def refresh(issue_id: int):
    with flashing_errors(_("The issue has been read again from Allegro.")):
        issue_detail.refresh(get_allegro(), issue_id, visible_account_ids())
    return redirect(url_for(".detail", issue_id=issue_id))


@bp.get("/<int:issue_id>/attachments/<attachment_id>")
@pii("issue", classes=("file",), action="download", id_arg="issue_id")
def attachment(issue_id: int, attachment_id: str):
    """A buyer's (or our) file, fetched through the desk: only for agents who may see the issue."""
    found = issue_detail.download_attachment(
        get_allegro(), issue_id=issue_id, attachment_id=attachment_id[:64], account_ids=visible_account_ids()
    )
    kind = found.content_type if found.content_type in DOWNLOADABLE else "application/octet-stream"
    inline = kind in PREVIEWABLE and request.args.get("download") != "1"
    response = send_file(io.BytesIO(found.data), mimetype=kind, as_attachment=not inline,
                         download_name=found.file_name)
    response.headers["Cache-Control"] = "private, max-age=3600"
    # Even a hostile file opened directly can run nothing in the desk's origin.
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
