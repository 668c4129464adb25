"""Who may see what: role checks and the accounts an agent may work on."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user

from desk.models import Role
from desk.services import accounts


def require_roles(*roles: Role) -> Callable:
    """Refuse (403) agents whose role is not among `roles`."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


owners_only = require_roles(Role.ADMIN, Role.OWNER)  # shop owners and administrators


def visible_account_ids() -> set[int] | None:
    """Accounts the signed-in agent may see; None means all (admins and owners)."""
    if current_user.sees_all_accounts:
        return None
    return {account.id for account in current_user.accounts}


def ensure_account_visible(account_id: int) -> None:
    """404 (not 403: do not reveal that it exists) for another account's data."""
    allowed = visible_account_ids()
    if allowed is not None and account_id not in allowed:
        abort(404)


def account_options() -> list[tuple[int, str]]:
    """(id, name) of the seller accounts the signed-in agent may see, for the lists' account filter."""
    return [(account.id, account.name) for account in accounts.visible_accounts(current_user)]
