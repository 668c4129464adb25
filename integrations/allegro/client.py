"""AllegroClient: one method per Allegro operation the desk uses, returning frozen DTOs (msgspec structs)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Any
from urllib.parse import quote

import requests

from integrations.allegro import _parse, _wire, _wire_events
from integrations.allegro._args import check_int, format_datetime
from integrations.allegro._http import Params, Requester, RequestGate, Timeout, json_object, new_session
from integrations.allegro._records import read_json, read_one
from integrations.allegro.auth import TokenManager
from integrations.allegro.client_issues import IssuesMixin
from integrations.allegro.client_messaging import MessagingMixin
from integrations.allegro.client_ratings import RatingsMixin
from integrations.allegro.client_shipments import ShipmentManagementMixin
from integrations.allegro.models import (
    Carrier,
    CheckoutForm,
    CheckoutFormPage,
    EventStats,
    Me,
    OrderEventPage,
    OrderShipment,
)

API_URLS = {"production": "https://api.allegro.pl", "sandbox": "https://api.allegro.pl.allegrosandbox.pl"}
AUTH_URLS = {"production": "https://allegro.pl", "sandbox": "https://allegro.pl.allegrosandbox.pl"}

CHECKOUT_FORM_SORTS = frozenset({"lineItems.boughtAt", "-lineItems.boughtAt", "updatedAt", "-updatedAt"})
MAX_CHECKOUT_FORM_WINDOW = 10_000  # Allegro refuses offset + limit beyond this with 422
MAX_WAYBILL_LENGTH = 64
MAX_CARRIER_NAME_LENGTH = 30
# The spec allows only en-US as Accept-Language on the fulfillment PUT.
FULFILLMENT_LANGUAGE = "en-US"


class AllegroClient(IssuesMixin, MessagingMixin, RatingsMixin, ShipmentManagementMixin):
    """Client of Allegro's REST API for one seller account (the token manager decides which)."""

    def __init__(
        self,
        api_url: str,
        tokens: TokenManager,
        *,
        session: requests.Session | None = None,
        timeout: Timeout = (5, 30),
        max_retries: int = 3,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        accept_language: str = "pl-PL",
        user_agent: str = "AllegroDesk/0.1",
        gate: RequestGate | None = None,
    ) -> None:
        self.tokens = tokens
        self._owns_session = session is None
        self._http = Requester(
            api_url,
            tokens,
            session=session or new_session(),
            timeout=timeout,
            max_retries=max_retries,
            backoff_base=backoff_base,
            backoff_cap=backoff_cap,
            sleep=sleep,
            accept_language=accept_language,
            user_agent=user_agent,
            gate=gate,
        )

    @property
    def api_url(self) -> str:
        """The base URL requests go to."""
        return self._http.api_url

    @property
    def request_count(self) -> int:
        """HTTP requests actually sent so far, retries and token replays included."""
        return self._http.request_count

    def close(self) -> None:
        """Release pooled connections (only when the session was created here)."""
        if self._owns_session:
            self._http.session.close()

    def __enter__(self) -> AllegroClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- user -------------------------------------------------------------------------------

    def me(self) -> Me:
        """GET /me: the seller the token belongs to."""
        return _parse.parse_me(self._get("/me"))

    # --- order events -----------------------------------------------------------------------

    def list_order_events(
        self, *, from_id: str | None = None, types: Sequence[str] | None = None, limit: int = 100
    ) -> OrderEventPage:
        """GET /order/events: events strictly after `from_id`, oldest first; an empty page when
        caught up. Unreadable events are in `rejected`; `last_id` is where the next page starts."""
        check_int("limit", limit, 1, 1000)
        if isinstance(types, str):
            raise ValueError("types must be a sequence of event types, not a string")
        params: list[tuple[str, str]] = []
        if from_id:
            params.append(("from", from_id))
        params.extend(("type", t) for t in types or ())
        params.append(("limit", str(limit)))
        response = self._http.call("GET", "/order/events", params=params)
        return read_json(response, _wire_events.order_event_page, _wire_events.lenient_order_event_page)

    def get_order_event_stats(self) -> EventStats:
        """GET /order/event-stats: the newest event id, to start a cursor "from now"."""
        return _parse.parse_event_stats(self._get("/order/event-stats"))

    # --- checkout forms ---------------------------------------------------------------------

    def list_checkout_forms(
        self,
        *,
        offset: int = 0,
        limit: int = 100,
        status: str | None = None,
        fulfillment_status: str | None = None,
        updated_at_gte: dt.datetime | None = None,
        updated_at_lte: dt.datetime | None = None,
        bought_at_gte: dt.datetime | None = None,
        bought_at_lte: dt.datetime | None = None,
        buyer_login: str | None = None,
        sort: str | None = None,
    ) -> CheckoutFormPage:
        """GET /order/checkout-forms: one offset page of orders matching the filters."""
        check_int("limit", limit, 1, 100)
        check_int("offset", offset, 0, MAX_CHECKOUT_FORM_WINDOW - limit)
        if sort is not None and sort not in CHECKOUT_FORM_SORTS:
            raise ValueError(f"sort must be one of {sorted(CHECKOUT_FORM_SORTS)}")
        filters: list[tuple[str, str | dt.datetime | None]] = [
            ("status", status),
            ("fulfillment.status", fulfillment_status),
            ("updatedAt.gte", updated_at_gte),
            ("updatedAt.lte", updated_at_lte),
            ("lineItems.boughtAt.gte", bought_at_gte),
            ("lineItems.boughtAt.lte", bought_at_lte),
            ("buyer.login", buyer_login),
            ("sort", sort),
        ]
        params = [("offset", str(offset)), ("limit", str(limit))]
        params.extend((key, _query_value(value)) for key, value in filters if value is not None)
        response = self._http.call("GET", "/order/checkout-forms", params=params)
        return read_json(response, _wire.checkout_form_page, _wire.lenient_checkout_form_page)

    def get_checkout_form(self, form_id: str) -> CheckoutForm:
        """GET /order/checkout-forms/{id}: one order with buyer, delivery, invoice and line items.

        Raises UnreadableRecord when the answer cannot be read or is another order than `form_id`.
        """
        response = self._http.call("GET", _form_path(form_id))
        return read_one(response, _wire.checkout_form, _wire.read_checkout_form, "checkout_form", form_id)

    def set_fulfillment_status(
        self, form_id: str, status: str, *, revision: str | None = None, retry: bool = True
    ) -> None:
        """PUT /order/checkout-forms/{id}/fulfillment: set the seller status; 409 if `revision` is stale.

        With `retry=False` a failure is raised at once (for callers that confirm before resending).
        """
        if not status:
            raise ValueError("status is required")
        params = [("checkoutForm.revision", revision)] if revision else []
        self._http.call(
            "PUT",
            _form_path(form_id) + "/fulfillment",
            params=params,
            body={"status": status},
            accept_language=FULFILLMENT_LANGUAGE,
            retry=retry,
        )

    # --- shipments --------------------------------------------------------------------------

    def list_shipments(self, form_id: str) -> list[OrderShipment]:
        """GET /order/checkout-forms/{id}/shipments: tracking numbers attached to an order."""
        return _parse.parse_shipments(self._get(_form_path(form_id) + "/shipments"))

    def add_shipment(
        self,
        form_id: str,
        *,
        carrier_id: str,
        waybill: str,
        carrier_name: str | None = None,
        line_item_ids: Sequence[str] | None = None,
    ) -> OrderShipment:
        """POST /order/checkout-forms/{id}/shipments: attach a tracking number (never auto-retried)."""
        body = _waybill_body(carrier_id, waybill, carrier_name, line_item_ids)
        response = self._http.call("POST", _form_path(form_id) + "/shipments", body=body)
        return _parse.parse_shipment(json_object(response))

    def list_carriers(self) -> list[Carrier]:
        """GET /order/carriers: carrier ids accepted by add_shipment."""
        return _parse.parse_carriers(self._get("/order/carriers"))

    # --- helpers ----------------------------------------------------------------------------

    def _get(self, path: str, params: Params = ()) -> Mapping[str, Any]:
        return json_object(self._http.call("GET", path, params=params))



def _form_path(form_id: str) -> str:
    if not form_id or not form_id.strip():
        raise ValueError("form_id is required")
    return "/order/checkout-forms/" + quote(form_id, safe="")


def _query_value(value: str | dt.datetime) -> str:
    return format_datetime(value) if isinstance(value, dt.datetime) else value


def _waybill_body(
    carrier_id: str, waybill: str, carrier_name: str | None, line_item_ids: Sequence[str] | None
) -> dict[str, Any]:
    if not carrier_id:
        raise ValueError("carrier_id is required")
    if not waybill or len(waybill) > MAX_WAYBILL_LENGTH:
        raise ValueError(f"waybill must have 1 to {MAX_WAYBILL_LENGTH} characters")
    if carrier_name is not None and len(carrier_name) > MAX_CARRIER_NAME_LENGTH:
        raise ValueError(f"carrier_name may have at most {MAX_CARRIER_NAME_LENGTH} characters")
    if isinstance(line_item_ids, str):
        raise ValueError("line_item_ids must be a sequence of ids, not a string")
    body: dict[str, Any] = {"carrierId": carrier_id, "waybill": waybill}
    if carrier_name is not None:
        body["carrierName"] = carrier_name
    if line_item_ids:
        body["lineItems"] = [{"id": item_id} for item_id in line_item_ids]
    return body
