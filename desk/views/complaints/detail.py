"""A complaint's page as one render: facts, clocks, checklist, files, history, and the forms of the next steps
(forms that failed come back with what was typed and a message at each field)."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from desk.extensions import db
from desk.models import Agent, ComplaintState, ComplaintType, Order, SellerAccount
from desk.models.issue import Issue
from desk.models.shipment import Shipment
from desk.orm import utcnow
from desk.services import complaints
from desk.views.complaints.blueprint import is_admin
from desk.wiring.complaints import complaint_ports, complaint_settings

MISSING_DOC_TYPES = (
    "damage_report",
    "value_invoice",
    "production_cost",
    "repair_invoice",
    "photo",
    "transport_document",
    "other",
)


def complaint_page(complaint, *, forms: dict | None = None, code: int = 200):
    """Render the complaint page (read-only queries only)."""
    now = utcnow()
    settings = complaint_settings()
    carrier = complaint.type is ComplaintType.CARRIER
    context = {
        "complaint": complaint,
        "account": db.session.get(SellerAccount, complaint.account_id),
        "order": db.session.get(Order, complaint.order_id) if complaint.order_id else None,
        "shipment": db.session.get(Shipment, complaint.shipment_id) if complaint.shipment_id else None,
        "issue": db.session.get(Issue, complaint.issue_id) if complaint.issue_id else None,
        "actors": _actors(complaint),
        "checklist": complaints.checklist.checklist(complaint) if carrier else [],
        "answer_clock": complaints.clocks.answer_clock(
            complaint.answer_due_on, now, alert_days=settings.alert_days
        )
        if complaint.answer_due_on and complaint.state is ComplaintState.SUBMITTED
        else None,
        "filing": complaints.carrier.filing_term(complaint) if carrier else None,
        "filed_late": complaints.carrier.filed_late(complaint) if carrier else False,
        "ineffective_on": complaints.clocks.ineffective_on(complaint.carrier_received_at)
        if complaint.carrier_received_at
        else None,
        "court_route": _court_route(complaint, now),
        "api": carrier and complaint_ports()(complaint.carrier) is not None,
        "conversations": complaints.prefill.conversations_of(complaint.order_id, complaint.account_id)
        if carrier
        else [],
        "doc_options": complaints.checklist.CARRIER_DOC_TYPES
        if carrier
        else complaints.checklist.INVOICE_DOC_TYPES,
        "missing_doc_types": MISSING_DOC_TYPES,
        "unsent": [f for f in complaint.files if f.sent_at is None],
        "forms": forms or {},
        "limits": settings.limits,
        "admin": is_admin(),
        "now": now,
    }
    return render_template("complaints/detail.html", **context), code


def _actors(complaint) -> dict[int, str]:
    ids = {event.actor_id for event in complaint.events if event.actor_id}
    ids |= {complaint.created_by, complaint.answered_by} - {None}
    if not ids:
        return {}
    return {agent.id: agent.name for agent in db.session.scalars(select(Agent).where(Agent.id.in_(ids)))}


def _court_route(complaint, now) -> bool:
    """The 3 months ran out and the carrier paid nothing: the seller may go to court."""
    paid = complaint.state in (ComplaintState.ACCEPTED, ComplaintState.PARTLY_ACCEPTED)
    return not paid and complaints.clocks.court_route_open(complaint.carrier_received_at, now)
