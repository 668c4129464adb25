"""The privacy core's ports (eraser, pseudonyms) as the request pages and the requests job find them.

The privacy core (desk.services.privacy.erasure / pseudonyms) is wired here with `use_privacy_ports`;
until it is, executing an erasure is refused with a clear message and the job skips held erasures."""

from __future__ import annotations

from flask import Flask, current_app

from desk.services.privacy.ports import PrivacyPorts

PRIVACY_PORTS = "desk.privacy_ports"


def get_privacy_ports(app: Flask | None = None) -> PrivacyPorts | None:
    return (app or current_app).extensions.get(PRIVACY_PORTS)


def use_privacy_ports(app: Flask, ports: PrivacyPorts) -> None:
    app.extensions[PRIVACY_PORTS] = ports


def four_eyes(app: Flask | None = None) -> bool:
    return bool((app or current_app).config.get("PRIVACY_FOUR_EYES", False))
