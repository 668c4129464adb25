"""Seller accounts (connection, token health) and the desk's agents (sign-in, roles, visibility).

Other areas' views reach this area through the names below."""

from desk.services.accounts.auth import end_sessions, get_agent, set_agent_locale, visible_accounts
from desk.services.accounts.sellers import get_account

__all__ = ["end_sessions", "get_account", "get_agent", "set_agent_locale", "visible_accounts"]
