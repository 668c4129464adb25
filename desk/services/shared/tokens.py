"""Allegro tokens at rest: encrypted with a MultiFernet (keys rotate), refreshed under a row lock, saved
before use."""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Connection, Engine, select, update

from desk.models import AllegroToken
from desk.orm import utcnow
from integrations.allegro import TokenPair

_table = AllegroToken.__table__
_process_locks: dict[int, threading.Lock] = {}
_process_locks_guard = threading.Lock()


class TokenCipher:
    """Encrypts secrets at rest with a MultiFernet over the configured keys, newest first.

    The first key encrypts; every key decrypts, so a new key can be put in front and the stored values
    re-encrypted (`rotate`) before the old key is removed. Without keys (development only) one key is
    derived from SECRET_KEY.
    """

    def __init__(self, keys: str | Sequence[str] | None, *, secret_key: str | None = None) -> None:
        keys = parse_keys(keys)
        if not keys:
            if not secret_key:
                raise ValueError("a token key or SECRET_KEY is required")
            keys = [derived_key(secret_key)]
        self._primary = Fernet(keys[0].encode())
        self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])
        self.key_count = len(keys)

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, value: str) -> str:
        try:
            return self._fernet.decrypt(value.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("stored token cannot be decrypted with the configured key") from exc

    def is_current(self, value: str) -> bool:
        """True when `value` is already encrypted with the newest key."""
        try:
            self._primary.decrypt(value.encode())
        except InvalidToken:
            return False
        return True

    def rotate(self, value: str) -> str:
        """`value` re-encrypted with the newest key (it may be under any configured key)."""
        try:
            return self._fernet.rotate(value.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("stored token cannot be decrypted with the configured keys") from exc


def parse_keys(keys: str | Sequence[str] | None) -> list[str]:
    """Fernet keys from a list or a comma-separated string, newest first, blanks dropped."""
    if not keys:
        return []
    items = keys.split(",") if isinstance(keys, str) else list(keys)
    return [item.strip() for item in items if item and item.strip()]


def derived_key(secret_key: str) -> str:
    """The development key derived from SECRET_KEY (production must configure real keys)."""
    digest = hashlib.sha256(("allegro-tokens:" + secret_key).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def _lock_for(account_id: int) -> threading.Lock:
    with _process_locks_guard:
        return _process_locks.setdefault(account_id, threading.Lock())


class DbTokenStore:
    """TokenStore for one seller account, on its own connection so a save commits at once.

    `locked()` serialises refreshes: a thread lock within the process and, on PostgreSQL,
    `SELECT ... FOR UPDATE` on the token row across processes.
    """

    def __init__(self, engine: Engine, account_id: int, cipher: TokenCipher) -> None:
        self._engine = engine
        self._account_id = account_id
        self._cipher = cipher
        self._conn: Connection | None = None
        self._cached: TokenPair | None = None  # outside locked(), a read per API call is not needed

    @contextmanager
    def locked(self) -> Iterator[None]:
        with _lock_for(self._account_id), self._engine.connect() as conn, conn.begin():
            stmt = select(_table.c.account_id).where(_table.c.account_id == self._account_id)
            if conn.dialect.name == "postgresql":
                stmt = stmt.with_for_update()
            conn.execute(stmt)
            self._conn = conn
            try:
                yield
            finally:
                self._conn = None

    def load(self) -> TokenPair | None:
        """The stored pair: read fresh under `locked()`, else the last pair this store saw."""
        if self._conn is not None:
            self._cached = self._load(self._conn)
        elif self._cached is None:
            with self._engine.connect() as conn:
                self._cached = self._load(conn)
        return self._cached

    def _load(self, conn: Connection) -> TokenPair | None:
        row = conn.execute(select(_table).where(_table.c.account_id == self._account_id)).first()
        if row is None:
            return None
        return TokenPair(
            access_token=self._cipher.decrypt(row.access_token_enc),
            refresh_token=self._cipher.decrypt(row.refresh_token_enc) if row.refresh_token_enc else None,
            access_expires_at=row.access_expires_at,
            refresh_expires_at=row.refresh_expires_at,
            scope=row.scope,
        )

    def save(self, pair: TokenPair) -> None:
        """Persist a new pair; inside `locked()` it commits when the lock is released."""
        if self._conn is not None:
            self._save(self._conn, pair)
        else:
            with self._engine.begin() as conn:
                self._save(conn, pair)
        self._cached = pair

    def _save(self, conn: Connection, pair: TokenPair) -> None:
        values = {
            "access_token_enc": self._cipher.encrypt(pair.access_token),
            "refresh_token_enc": self._cipher.encrypt(pair.refresh_token) if pair.refresh_token else None,
            "access_expires_at": pair.access_expires_at,
            "refresh_expires_at": pair.refresh_expires_at,
            "scope": pair.scope,
            "refreshed_at": utcnow(),
        }
        result = conn.execute(
            update(AllegroToken)
            .where(_table.c.account_id == self._account_id)
            .values(version=_table.c.version + 1, **values)
        )
        if result.rowcount == 0:
            conn.execute(_table.insert().values(account_id=self._account_id, version=1, **values))
