"""Canned answers for discussions and claims, with placeholders filled from the issue and its order.

Placeholders are written in braces, e.g. "Dzień dobry {buyer_login}". A placeholder without a
value stays in the text as written, and a message still containing one cannot be sent, so a
buyer never receives "{tracking_number}".
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from desk.extensions import db
from desk.models.issue import CLAIM, DISPUTE, PROBLEM, Issue, ReplyTemplate
from desk.orm import utcnow
from desk.services.errors import N_, ConflictError, NotFoundError, ValidationError
from desk.services.issues.detail import order_lines_for, visible_issue

PLACEHOLDERS = ("buyer_login", "order_number", "items", "tracking_number", "reference_number", "agent_name")
KINDS = ("both", "dispute", "claim")
NAME_MAX, BODY_MAX = 120, 5000
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Filled:
    """A template's text for one issue, and the placeholders that had no value (left in the text)."""

    text: str
    missing: tuple[str, ...]


def list_templates(issue_type: str | None = None) -> list[ReplyTemplate]:
    """Templates by name; for an issue type only those meant for it (or for both)."""
    query = select(ReplyTemplate).order_by(ReplyTemplate.name)
    if issue_type in (DISPUTE, PROBLEM):  # post-purchase problems took over from discussions
        query = query.where(ReplyTemplate.kind.in_(("both", "dispute")))
    elif issue_type == CLAIM:
        query = query.where(ReplyTemplate.kind.in_(("both", "claim")))
    return list(db.session.scalars(query))


def get_template(template_id: int) -> ReplyTemplate:
    template = db.session.get(ReplyTemplate, template_id)
    if template is None:
        raise NotFoundError(N_("Template not found."))
    return template


def save_template(
    template_id: int | None, *, name: str, body: str, kind: str, agent_id: int | None
) -> ReplyTemplate:
    """Create (template_id None) or change a template. Commits."""
    name = " ".join((name or "").split())
    body = (body or "").replace("\r\n", "\n").strip()
    if not 1 <= len(name) <= NAME_MAX:
        raise ValidationError(N_("The name must have 1 to %(max)d characters."), max=NAME_MAX)
    if not body:
        raise ValidationError(N_("Write the text of the template."))
    if len(body) > BODY_MAX:
        raise ValidationError(N_("A template may have at most %(max)d characters."), max=BODY_MAX)
    if kind not in KINDS:
        raise ValidationError(N_("Choose what the template is for."))
    unknown = unknown_placeholders(body)
    if unknown:
        raise ValidationError(
            N_("Unknown placeholders: %(names)s. Allowed: %(allowed)s."),
            names=", ".join(_token(n) for n in unknown), allowed=", ".join(_token(n) for n in PLACEHOLDERS),
        )
    if template_id is None:
        template = ReplyTemplate(created_by_agent_id=agent_id)
    else:
        template = get_template(template_id)
    template.name, template.body, template.kind, template.updated_at = name, body, kind, utcnow()
    db.session.add(template)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise ConflictError(N_("A template named %(name)s already exists."), name=name) from exc
    return template


def delete_template(template_id: int) -> None:
    db.session.delete(get_template(template_id))
    db.session.commit()


def unknown_placeholders(body: str) -> list[str]:
    return sorted({name for name in _PLACEHOLDER.findall(body or "") if name not in PLACEHOLDERS})


def unfilled_placeholders(text: str) -> list[str]:
    """Known placeholders still present in a message (sending it would show them to the buyer)."""
    return sorted({_token(name) for name in _PLACEHOLDER.findall(text or "") if name in PLACEHOLDERS})


def _token(name: str) -> str:
    return "{" + name + "}"


def fill(body: str, values: dict[str, str | None]) -> Filled:
    """Put the values into the template; placeholders without a value stay as written."""
    missing: list[str] = []

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name not in PLACEHOLDERS:
            return match.group(0)
        value = values.get(name)
        if not value:
            if name not in missing:
                missing.append(name)
            return match.group(0)
        return value

    return Filled(_PLACEHOLDER.sub(replace, body), tuple(missing))


def placeholder_values(issue: Issue, *, agent_name: str | None) -> dict[str, str | None]:
    """Values for one issue: buyer, order number, its items, tracking numbers (as last synced)."""
    lines = order_lines_for(issue)
    items = ", ".join(f"{line.offer_name} × {line.quantity}" if line.quantity > 1 else line.offer_name
                      for line in lines)
    shipments = (issue.order.shipments if issue.order is not None else None) or ()
    waybills = ", ".join(dict.fromkeys(s["waybill"] for s in shipments if s.get("waybill")))
    return {
        "buyer_login": issue.buyer_login,
        "order_number": issue.order.allegro_id if issue.order is not None else issue.checkout_form_id,
        "items": items or None,
        "tracking_number": waybills or None,
        "reference_number": issue.reference_number,
        "agent_name": agent_name,
    }


def apply_template(
    *, template_id: int, issue_id: int, account_ids: set[int] | None, draft: str, agent_name: str | None
) -> Filled:
    """The draft with the filled template appended (or the template alone when the draft is empty),
    for an issue the caller may see."""
    issue = visible_issue(issue_id, account_ids)
    try:
        template = get_template(template_id)
    except NotFoundError:  # deleted meanwhile: the draft must survive, so not a 404 page
        raise ValidationError(N_("This template no longer exists; choose another one.")) from None
    filled = fill(template.body, placeholder_values(issue, agent_name=agent_name))
    text = (draft or "").rstrip()
    return Filled(f"{text}\n\n{filled.text}" if text else filled.text, filled.missing)
