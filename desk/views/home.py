"""The start page, the navigation shared by every page, and the language switch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, has_request_context, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from desk.models import Role
from desk.orm import utcnow
from desk.services import accounts as account_area
from desk.services import complaints, issues, orders, ratings, shipping
from desk.services.privacy import tasks as privacy_tasks
from desk.views import filters, locale
from desk.views.access import visible_account_ids
from desk.views.catalog import translated
from desk.views.labels import AGENT_ROLES
from desk.wiring import settings
from desk.wiring.complaints import complaint_settings

COUNT_CAP = 100  # beyond this the day says 100+ (counting further would cost every start page)

bp = Blueprint("home", __name__)
bp.add_url_rule("/locale", "set_locale", locale.set_locale, methods=["POST"])
bp.record_once(lambda state: filters.init_app(state.app))


@dataclass(frozen=True)
class Area:
    endpoint: str
    label: Any  # a lazy translated string
    description: Any
    admin_only: bool = False
    owners_only: bool = False  # shop owners and administrators
    in_nav: bool = True  # False: reached from its family's tabs and the home page, not the top bar
    family: tuple[str, ...] = ()  # other blueprints under this top-bar entry (it is marked active there)

    @property
    def blueprint(self) -> str:
        return self.endpoint.partition(".")[0]

    def active_for(self, blueprint: str | None) -> bool:
        """Whether the top-bar entry is the current one for a page of `blueprint`."""
        return blueprint == self.blueprint or blueprint in self.family


# the broker's money: one top-bar entry, tabs between its pages (templates/billing/_tabs.html)
MONEY = ("billing", "invoices", "surcharges", "cod", "complaints")
# parcels: the shipments, the broker's price lists, the day's close-out (templates/parcels/_family.html)
PARCELS = ("parcels", "ship", "shipping", "closeout")
# the desk's set-up: connected accounts, their synchronisation, the agents (templates/accounts/_tabs.html)
SETUP = ("accounts", "sync", "admin")


# Areas appear as soon as their blueprint registers `<name>.index`.
AREAS = (
    Area("orders.index", _l("Orders"), _l("Orders from Allegro, payments and fulfilment.")),
    Area(
        "issues.index",
        _l("Buyer conversations"),
        _l("Questions and post-purchase problems from the Message Center, discussions and claims."),
    ),
    Area("ratings.index", _l("Ratings"), _l("Buyer ratings, answers and removal requests.")),
    Area("parcels.index", _l("Shipments"), _l("Stuck parcels and the shipments export."), family=PARCELS),
    Area(
        "shipping.price_lists",
        _l("Price lists"),
        _l("The broker's prices for parcels, public and per account."),
        owners_only=True,
        in_nav=False,
    ),
    Area("closeout.index", _l("Day close-out"), _l("Today's parcels, labels, protocols and pickups."),
         in_nav=False),
    Area("billing.index", _l("Billing"), _l("Balance, charges, top-ups and payouts of the accounts."),
         family=MONEY),
    Area("invoices.index", _l("Invoices"),
         _l("VAT invoices for the shipping services, corrections, payments."), in_nav=False),
    Area("surcharges.index", _l("Surcharges"), _l("Carriers' surcharges after the fact: review, disputes."),
         in_nav=False),
    Area(
        "cod.index", _l("Cash on delivery collections"), _l("Cash on delivery collected, due and paid out."),
        in_nav=False,
    ),
    Area(
        "complaints.index",
        _l("Complaints"),
        _l("Service, invoice and carrier complaints, and returned parcels."),
        in_nav=False,
    ),
    Area("privacy.index", _l("GDPR"),
         _l("Buyers' personal data: inventory, requests, holds, exports and who saw what."),
         owners_only=True),
    Area("accounts.index", _l("Accounts"), _l("Connected Allegro seller accounts."), family=SETUP),
    Area("sync.index", _l("Sync"), _l("Synchronisation runs and their errors."), in_nav=False),
    Area("admin.index", _l("Agents"), _l("Desk agents and their access."), admin_only=True, in_nav=False),
)


_CHROME = {"areas": AREAS, "roles": AGENT_ROLES}  # what every page's frame shows, translated once


def available_areas() -> list[Area]:
    """Areas whose views exist and that the signed-in agent may open."""
    role = current_user.role if current_user.is_authenticated else None
    return [
        area
        for area in translated(_CHROME)["areas"]
        if area.endpoint in current_app.view_functions
        and (role == Role.ADMIN or not area.admin_only)
        and (role in (Role.ADMIN, Role.OWNER) or not area.owners_only)
    ]


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    if not has_request_context():
        return {"nav_areas": [], "current_path": "/", "current_locale": "pl"}
    context = {"current_path": _current_path(), "current_locale": str(get_locale() or "pl")}
    if not current_user.is_authenticated:
        return context | {"nav_areas": []}
    return context | {
        "nav_areas": available_areas(),
        "role_label": translated(_CHROME)["roles"].get(current_user.role, current_user.role),
    }


@dataclass(frozen=True)
class DayItem:
    """One line of the agent's day: how many, and the filtered list that shows them."""

    label: Any
    count: int
    url: str
    tone: str


def _day(account_ids: set[int] | None) -> list[DayItem]:
    """What waits for the agent today, each with a link to the list filtered to it (counts capped)."""
    queues = issues.queue_counts(account_ids=account_ids, agent_id=None, policy=settings().deadlines)
    return [
        DayItem(
            _l("Orders to send"),
            orders.to_ship_count(account_ids),
            url_for("orders.index", status="READY_FOR_PROCESSING", parcel="none"),
            "info",
        ),
        DayItem(
            _l("Parcels to hand over to the carrier"),
            shipping.to_hand_over_count(account_ids),
            url_for("closeout.index"),
            "info",
        ),
        DayItem(
            _l("Conversations waiting for our reply"),
            queues.get("reply", 0),
            url_for("issues.index", queue="reply"),
            "warning",
        ),
        DayItem(
            _l("Deadlines at risk"),
            queues.get("at_risk", 0),
            url_for("issues.index", queue="at_risk"),
            "error",
        ),
        DayItem(
            _l("New negative ratings"),
            ratings.new_negative_count(account_ids),
            url_for("ratings.index", new="1"),
            "error",
        ),
        *_complaint_day(account_ids),
        *_privacy_day(account_ids),
    ]


def _privacy_day(account_ids: set[int] | None) -> list[DayItem]:
    """Owners only: legal holds to review, buyers' requests due within a week, extensions to announce."""
    if not current_user.sees_all_accounts:
        return []
    tasks = privacy_tasks.owner_tasks(account_ids=account_ids, now=utcnow())
    return [
        DayItem(_l("Legal holds to review"), tasks.holds_to_review, url_for("privacy.holds"), "warning"),
        DayItem(_l("Buyers' requests due within a week"), tasks.requests_due_soon,
                url_for("privacy.requests_index"), "error"),
        DayItem(_l("Requesters to tell about an extension"), tasks.requesters_to_tell,
                url_for("privacy.requests_index"), "warning"),
    ]


def _complaint_day(account_ids: set[int] | None) -> list[DayItem]:
    """Complaints: the carrier waiting for the seller's documents, parcels back at the broker waiting for
    instructions, and for administrators the answers due within the alert days."""
    found = [
        DayItem(
            _l("Complaints: the carrier asks for documents"),
            complaints.listing.documents_requested(account_ids),
            url_for("complaints.index", state="documents_requested"),
            "warning",
        ),
        DayItem(
            _l("Returned parcels waiting for instructions"),
            complaints.returns.waiting_count(account_ids),
            url_for("complaints.returns_page"),
            "warning",
        ),
    ]
    if current_user.role == Role.ADMIN:
        due = complaints.listing.answers_due(utcnow(), alert_days=complaint_settings().alert_days)
        found.insert(0, DayItem(_l("Complaints to answer soon (14-day term)"), due,
                                url_for("complaints.index", state="submitted"), "error"))
    return found


@bp.route("/")
def index() -> str:
    """The agent's day (what waits, each a link to its filtered list), the accounts and the areas."""
    accounts = account_area.visible_accounts(current_user._get_current_object())
    return render_template(
        "home/index.html",
        accounts=accounts,
        areas=available_areas(),
        day=_day(visible_account_ids()),
        cap=COUNT_CAP,
    )


def _current_path() -> str:
    # The language switch comes back here; full_path always ends with "?" when there is no query.
    return request.full_path.rstrip("?")
