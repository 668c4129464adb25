"""Per-account pseudonym keys, kept outside the database (one file per seller account).

Pseudonymised buyer ids are HMAC-SHA256 of the Allegro value under the account's key (EDPB 01/2025's
keyed one-way function): the same buyer keeps the same pseudonym within an account, so repeat-buyer
counts and joins survive, while the database alone cannot turn a pseudonym back into a person.
Destroying an account's key makes its pseudonyms unlinkable: a new key gives different ones.

The directory comes from config (PRIVACY_KEY_DIR) and is registered on the app by the wiring; the
functions below find it through the current app, since sync paths and the erasure engine both need it
without carrying it through every call.
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
from pathlib import Path

from flask import current_app

EXTENSION = "desk.privacy_keys"
KEY_BYTES = 32


class KeyStore:
    """Keys in one directory: `account-<id>.key` (hex), created on first use with mode 0600."""

    def __init__(self, directory: str | os.PathLike) -> None:
        self.directory = Path(directory)
        self._cache: dict[int, bytes] = {}
        self._lock = threading.Lock()

    def _path(self, account_id: int) -> Path:
        return self.directory / f"account-{int(account_id)}.key"

    def key(self, account_id: int) -> bytes:
        """The account's key, created (atomically, 0600) when it has none yet."""
        with self._lock:
            cached = self._cache.get(account_id)
            if cached is not None:
                return cached
            path = self._path(account_id)
            if not path.exists():
                self._create(path)
            key = bytes.fromhex(path.read_text().strip())
            self._cache[account_id] = key
            return key

    def _create(self, path: Path) -> None:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(KEY_BYTES))

    def destroy(self, account_id: int) -> None:
        """Delete the account's key; its existing pseudonyms can no longer be recomputed."""
        with self._lock:
            self._cache.pop(account_id, None)
            self._path(account_id).unlink(missing_ok=True)

    def digest(self, account_id: int, value: str) -> str:
        """HMAC-SHA256 hex of `value` under the account's key."""
        return hmac_hex(self.key(account_id), value)


def hmac_hex(key: bytes, value: str) -> str:
    """HMAC-SHA256 hex of `value` under `key` (the one-shot C digest)."""
    return hmac.digest(key, value.encode(), "sha256").hex()


def current_store() -> KeyStore:
    """The key store of the current app (registered by desk.wiring)."""
    return current_app.extensions[EXTENSION]


def pseudonym(account_id: int, value: str) -> str:
    """The account's pseudonym of an identifier (64 hex characters)."""
    return current_store().digest(account_id, value)


def login_pseudonym(account_id: int, login: str) -> str:
    """The pseudonym of a buyer login: its own namespace, so it never equals an id's pseudonym."""
    return pseudonym(account_id, "login:" + login)
