"""The retention job's ports: the erasure engine, the legal holds and the access log purge.

They are the privacy package's own functions (desk.services.privacy.erasure, .holds, .access_log);
tests and benchmarks put small fakes in with `use_retention_ports`."""

from __future__ import annotations

from flask import Flask, current_app

from desk.services.privacy import access_log, erasure, holds
from desk.services.privacy.retention import RetentionPorts

EXTENSION = "desk.retention_ports"


def retention_ports(app: Flask | None = None) -> RetentionPorts:
    """The ports of `app` (the real functions unless `use_retention_ports` put others in)."""
    app = app or current_app
    ports = app.extensions.get(EXTENSION)
    if ports is None:
        ports = app.extensions[EXTENSION] = real_ports()
    return ports


def use_retention_ports(app: Flask, ports: RetentionPorts) -> None:
    """Make the job of `app` call `ports` (tests and benchmarks)."""
    app.extensions[EXTENSION] = ports


def real_ports() -> RetentionPorts:
    """The erasure engine, holds and access log of the privacy package."""
    return RetentionPorts(
        pseudonymise_orders=erasure.pseudonymise_orders,
        redact_conversations=erasure.redact_conversations,
        held_order_ids=holds.held_order_ids,
        purge_access_log=access_log.purge_access_log,
    )
