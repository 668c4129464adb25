"""Buyer pseudonyms: keyed HMAC-SHA256 per seller account, the key kept outside the database."""

from __future__ import annotations

from collections.abc import Iterable

from desk.services.shared import pseudonym_keys


def buyer_pseudonym(account_id: int, buyer_allegro_id: str) -> str:
    """The account's pseudonym of an Allegro buyer id (HMAC-SHA256 hex); stable while the key lives."""
    return pseudonym_keys.pseudonym(account_id, buyer_allegro_id)


def buyer_pseudonyms(pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], str]:
    """`buyer_pseudonym` of many (account, buyer id) pairs at once: each account's key read once."""
    store = pseudonym_keys.current_store()
    keys: dict[int, bytes] = {}
    found = {}
    for account_id, buyer_id in pairs:
        if account_id not in keys:
            keys[account_id] = store.key(account_id)
        key = keys[account_id]
        found[account_id, buyer_id] = pseudonym_keys.hmac_hex(key, buyer_id)
    return found


def login_pseudonym(account_id: int, login: str) -> str:
    """The account's pseudonym of a buyer login (a namespace of its own)."""
    return pseudonym_keys.login_pseudonym(account_id, login)


def destroy_account_key(account_id: int) -> None:
    """Delete the account's key file: pseudonyms made with it become anonymous tokens."""
    pseudonym_keys.current_store().destroy(account_id)
