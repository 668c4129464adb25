"""Offboarding settings and ports: the grace periods, the purge batch, and who destroys an account's
pseudonym key."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from desk.services.privacy.offboarding import DestroyKey

KEY_DESTROYER = "desk.privacy.destroy_account_key"  # app.extensions: the port, once a key store is wired


@dataclass(frozen=True)
class OffboardingPolicy:
    delete_days: int  # a deleted account's data is purged this many days later
    disconnect_days: int  # a disconnected (not deleted) account's data likewise
    batch: int  # rows deleted per commit


def offboarding_policy(app: Flask | None = None) -> OffboardingPolicy:
    """The offboarding settings, read from the config at each call."""
    config = (app or current_app).config
    return OffboardingPolicy(
        delete_days=int(config["OFFBOARDING_DELETE_DAYS"]),
        disconnect_days=int(config["OFFBOARDING_DISCONNECT_DAYS"]),
        batch=int(config["OFFBOARDING_PURGE_BATCH"]),
    )


def account_key_destroyer(app: Flask | None = None) -> DestroyKey | None:
    """The port destroying an account's pseudonym key: the one registered in app.extensions, else the
    privacy area's own (desk.services.privacy.pseudonyms) when it is installed, else None."""
    registered = (app or current_app).extensions.get(KEY_DESTROYER)
    if registered is not None:
        return registered
    try:
        from desk.services.privacy import pseudonyms  # type: ignore[attr-defined]
    except ImportError:
        return None
    return pseudonyms.destroy_account_key
