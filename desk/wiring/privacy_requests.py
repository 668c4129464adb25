"""The privacy core's ports (eraser, pseudonyms) as the request pages and the requests job find them:
`desk.services.privacy.erasure.erase_buyer` and `pseudonyms.buyer_pseudonym`, unless `use_privacy_ports`
put others in their place (tests of the workflow use a small fake eraser)."""

from __future__ import annotations

from flask import Flask, current_app

from desk.services.privacy import erasure, pseudonyms
from desk.services.privacy.ports import PrivacyPorts

PRIVACY_PORTS = "desk.privacy_ports"


def get_privacy_ports(app: Flask | None = None) -> PrivacyPorts:
    """The eraser and the pseudonymiser the request workflow uses."""
    return (app or current_app).extensions.get(PRIVACY_PORTS) or PrivacyPorts(
        erase_buyer=erasure.erase_buyer, buyer_pseudonym=pseudonyms.buyer_pseudonym
    )


def use_privacy_ports(app: Flask, ports: PrivacyPorts) -> None:
    app.extensions[PRIVACY_PORTS] = ports


def four_eyes(app: Flask | None = None) -> bool:
    return bool((app or current_app).config.get("PRIVACY_FOUR_EYES", False))
