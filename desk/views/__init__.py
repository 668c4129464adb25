"""Blueprint registration: one blueprint per desk area, and the request class they all read."""

from __future__ import annotations

from flask import Flask

from desk.views.request import DeskRequest, IdConverter


def register_blueprints(app: Flask) -> None:
    from desk.views import (
        accounts,
        admin,
        auth,
        catalog,
        cod,
        errors,
        home,
        issues,
        labels,
        orders,
        ratings,
        security,
        shipping,
        sync,
    )
    from desk.views.shipping import closeout, parcels, ship

    app.request_class = DeskRequest
    app.url_map.converters["int"] = IdConverter  # before any rule: <int:...> never exceeds BIGINT
    for module in (auth, home, accounts, sync, orders, issues, ratings, ship, shipping, closeout, cod, admin):
        app.register_blueprint(module.bp)
    app.register_blueprint(parcels.bp)
    errors.init_app(app)
    security.init_app(app)
    labels.init_app(app)
    catalog.init_app(app)
