"""The fake DPD as a Flask app: DPDServices and DPDInfoServices SOAP endpoints (lxml, validated
against the packaged XSDs) and an AUTHORED JSON points endpoint (DPD's points API, MyPudo, is not in
the references; the shape here is ours)."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, jsonify, request

from integrations.carriers.dpd.client import INFO_PATH, PACKAGES_PATH, POINTS_PATH
from integrations.carriers.dpd.fake import envelope, ops, ops_courier
from integrations.carriers.dpd.fake.complaints import register_complaints
from integrations.carriers.dpd.fake.envelope import INFO_NS, PACKAGES_NS, SoapFault
from integrations.carriers.dpd.fake.state import DpdFakeState
from integrations.carriers.fakekit import FakeHarness

PACKAGE_OPS = {
    "findPostalCodeV1": ops.find_postal_code,
    "generatePackagesNumbersV4": ops.generate_packages_numbers,
    "generateSpedLabelsV4": ops.generate_labels,
    "generateProtocolV2": ops.generate_protocol,
    "findPackagesV1": ops.find_packages,
    "packagesPickupCallV4": ops_courier.pickup_call,
    "getCourierOrderAvailabilityV1": ops_courier.courier_availability,
}
INFO_OPS = {"getEventsForWaybillV1": ops_courier.events_for_waybill}
XML = "text/xml; charset=utf-8"


def _route_name() -> str:
    """ "SOAP <operation>" for SOAP requests (FakeHarness routes), "METHOD /path" otherwise."""
    if request.method == "POST" and request.path in (PACKAGES_PATH, INFO_PATH):
        found = envelope.operation_of(request.get_data(cache=True))
        g.soap = found
        return f"SOAP {found[1]}" if found else "SOAP ?"
    return f"{request.method} {request.path}"


def _soap(state: DpdFakeState, namespace: str, table: dict[str, Any]) -> Response:
    found = getattr(g, "soap", None) or envelope.operation_of(request.get_data(cache=True))
    try:
        if found is None:
            raise SoapFault("Not a SOAP 1.1 envelope", namespace=namespace, code="S:Client")
        ns, operation, element = found
        handler = table.get(operation)
        if ns != namespace or handler is None:
            raise SoapFault(
                f"Cannot find dispatch method for {{{ns}}}{operation}", namespace=namespace, code="S:Client"
            )
        envelope.validate(namespace, element)
        with state.lock:
            state.tick()
        body = envelope.answer(namespace, operation, handler(state, envelope.plain(element)))
    except SoapFault as fault:
        return Response(envelope.fault(fault), status=500, content_type=XML)
    return Response(body, status=200, content_type=XML)


def create_app(state: DpdFakeState) -> Flask:
    """The fake's Flask app; `app.extensions["harness"]` holds faults and the request log."""
    app = Flask("fake_dpd")
    harness = FakeHarness(route_of=_route_name)
    harness.install(app)
    app.extensions["harness"] = harness

    @app.post(PACKAGES_PATH)
    def packages() -> Response:
        return _soap(state, PACKAGES_NS, PACKAGE_OPS)

    @app.post(INFO_PATH)
    def info() -> Response:
        return _soap(state, INFO_NS, INFO_OPS)

    register_complaints(app, state)

    @app.get(POINTS_PATH)
    def points() -> Response:
        zip_code = request.args.get("zipCode", "")
        city = request.args.get("city", "").casefold()
        try:
            limit = int(request.args.get("limit", "20"))
        except ValueError:
            return Response('{"error":"limit must be a number"}', status=400, content_type="application/json")
        with state.lock:
            found = [
                p
                for p in state.points
                if (not zip_code or str(p.get("zipCode", "")).startswith(zip_code[:2]))
                and (not city or str(p.get("city", "")).casefold() == city)
            ]
        return jsonify({"points": found[: max(0, limit)]})

    return app
