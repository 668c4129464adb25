"""A thin ShipX client: one method per carrier operation, every request through transport.call.

Reads are retried by transport.call; writes (create, buy, cancel, labels POST, dispatch orders) never
are. Each method returns the decoded JSON (or bytes for documents) and raises the error tree.
"""

from __future__ import annotations

from typing import Any

import requests

from integrations.carriers import transport
from integrations.carriers.inpost import parse
from integrations.carriers.inpost.services import CARRIER

PROD_URL = "https://api-shipx-pl.easypack24.net"
SANDBOX_URL = "https://sandbox-api-shipx-pl.easypack24.net"


class ShipXClient:
    """HTTP to ShipX for one organization: `base_url` without a trailing slash, a bearer token."""

    def __init__(
        self,
        base_url: str,
        token: str,
        organization_id: str | int,
        *,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = transport.DEFAULT_TIMEOUT,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.organization_id = str(organization_id)
        self.timeout = timeout
        self.session = session or transport.session_with()
        self._auth = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    # -- plumbing ------------------------------------------------------------------------------------
    def _send(
        self, method: str, path: str, *, write: bool, action: str = "", **kwargs: Any
    ) -> requests.Response:
        """One request; a 2xx response is returned, anything else raised as the error tree."""
        url = self.base_url + path

        def send() -> requests.Response:
            return self.session.request(method, url, headers=self._auth, timeout=self.timeout, **kwargs)

        response = transport.call(send, carrier=CARRIER, write=write)
        if response.status_code >= 400:
            raise parse.error_of(response, action=action)
        return response

    def _json(
        self, method: str, path: str, *, write: bool, action: str = "", **kwargs: Any
    ) -> dict[str, Any]:
        return parse.body_of(self._send(method, path, write=write, action=action, **kwargs))

    @property
    def _org(self) -> str:
        return f"/v1/organizations/{self.organization_id}"

    # -- shipments -----------------------------------------------------------------------------------
    def create_shipment(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST /v1/organizations/{org}/shipments: 201 with the shipment, usually status `created`."""
        return self._json("POST", f"{self._org}/shipments", write=True, action="create", json=body)

    def get_shipment(self, shipment_id: str) -> dict[str, Any]:
        """GET /v1/shipments/{id}."""
        return self._json("GET", f"/v1/shipments/{shipment_id}", write=False)

    def list_shipments(self, *, page: int = 1, per_page: int = 100, **filters: str) -> dict[str, Any]:
        """GET /v1/organizations/{org}/shipments (paginated: items, count, page, per_page, total_pages)."""
        params = {"page": page, "per_page": per_page, **filters}
        return self._json("GET", f"{self._org}/shipments", write=False, params=params)

    def buy(self, shipment_id: str, offer_id: str) -> dict[str, Any]:
        """POST /v1/shipments/{id}/buy with an offer id (prepaid accounts stop at offers_prepared)."""
        body = {"offer_id": int(offer_id) if offer_id.isdigit() else offer_id}
        return self._json("POST", f"/v1/shipments/{shipment_id}/buy", write=True, action="buy", json=body)

    def cancel(self, shipment_id: str) -> None:
        """DELETE /v1/shipments/{id}: 204, or 400 invalid_action once the offer is bought."""
        self._send("DELETE", f"/v1/shipments/{shipment_id}", write=True, action="cancel")

    def label(self, shipment_id: str, *, format: str, type: str) -> requests.Response:
        """GET /v1/shipments/{id}/label?format=Pdf|Zpl&type=normal|A6 (binary)."""
        params = {"format": format, "type": type}
        return self._send(
            "GET", f"/v1/shipments/{shipment_id}/label", write=False, action="label", params=params
        )

    def labels(self, shipment_ids: list[str], *, format: str, type: str) -> requests.Response:
        """POST /v1/organizations/{org}/shipments/labels: one document for many shipments. It only
        renders, so it is safe to send again and is treated as a read."""
        body = {
            "shipment_ids": [int(i) if i.isdigit() else i for i in shipment_ids],
            "format": format,
            "type": type,
        }
        return self._send("POST", f"{self._org}/shipments/labels", write=False, action="label", json=body)

    # -- dispatch orders -----------------------------------------------------------------------------
    def create_dispatch_order(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST /v1/organizations/{org}/dispatch_orders: 201 with status `new`, verified later."""
        return self._json("POST", f"{self._org}/dispatch_orders", write=True, action="pickup", json=body)

    def list_dispatch_orders(self, *, page: int = 1, per_page: int = 100) -> dict[str, Any]:
        """GET /v1/organizations/{org}/dispatch_orders (paginated like the shipments list; the endpoint
        is assumed from the docs' resource list, the digest verifies create and get only)."""
        params = {"page": page, "per_page": per_page}
        return self._json("GET", f"{self._org}/dispatch_orders", write=False, params=params)

    def get_dispatch_order(self, order_id: str) -> dict[str, Any]:
        """GET /v1/dispatch_orders/{id}."""
        return self._json("GET", f"/v1/dispatch_orders/{order_id}", write=False)

    def dispatch_printout(self, shipment_ids: list[str]) -> requests.Response:
        """GET /v1/organizations/{org}/dispatch_orders/printouts?shipment_ids[]=..&format=Pdf (the
        handover protocol; path and parameters as third-party clients use them)."""
        params = [("shipment_ids[]", i) for i in shipment_ids] + [("format", "Pdf")]
        return self._send(
            "GET", f"{self._org}/dispatch_orders/printouts", write=False, action="protocol", params=params
        )

    # -- complaints (AUTHORED interface, see complaints.py) ------------------------------------------
    def file_complaint(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST /v1/organizations/{org}/complaints: 201 (200 with the complaint of the same external_id)."""
        return self._json("POST", f"{self._org}/complaints", write=True, action="complaint", json=body)

    def get_complaint(self, complaint_id: str) -> dict[str, Any]:
        """GET /v1/complaints/{id}."""
        return self._json("GET", f"/v1/complaints/{complaint_id}", write=False)

    def add_complaint_attachments(
        self, complaint_id: str, attachments: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """POST /v1/complaints/{id}/attachments."""
        path = f"/v1/complaints/{complaint_id}/attachments"
        return self._json("POST", path, write=True, action="complaint", json={"attachments": attachments})

    # -- public --------------------------------------------------------------------------------------
    def tracking(self, tracking_number: str) -> dict[str, Any]:
        """GET /v1/tracking/{number} (public)."""
        return self._json("GET", f"/v1/tracking/{tracking_number}", write=False)

    def points(self, **params: Any) -> dict[str, Any]:
        """GET /v1/points (public): post_code, city, type, per_page..."""
        return self._json("GET", "/v1/points", write=False, params=params)
