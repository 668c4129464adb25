"""Blueprint registration: one blueprint per desk area, and the request class they all read."""

from __future__ import annotations

from flask import Flask

from desk.views.request import DeskRequest, IdConverter


def register_blueprints(app: Flask) -> None:
    from desk.views import (
        accounts,
        admin,
        auth,
        billing,
        catalog,
        cod,
        complaints,
        errors,
        home,
        invoices,
        issues,
        labels,
        orders,
        privacy,
        ratings,
        security,
        shipping,
        surcharges,
        sync,
    )
    from desk.views.shipping import closeout, parcels, ship

    app.request_class = DeskRequest
    app.url_map.converters["int"] = IdConverter  # before any rule: <int:...> never exceeds BIGINT
    areas = (auth, home, accounts, sync, orders, issues, ratings, ship, shipping, closeout, billing, invoices,
             surcharges, complaints, cod, privacy, admin)
    for module in areas:
        app.register_blueprint(module.bp)
    app.register_blueprint(parcels.bp)
    errors.init_app(app)
    security.init_app(app)
    labels.init_app(app)
    catalog.init_app(app)
