"""Seller accounts (connection, token health) and the desk's agents (sign-in, roles, visibility).

Other areas' views reach this area through the names below."""

from desk.services.accounts.auth import end_sessions, get_agent, set_agent_locale, visible_accounts

__all__ = ["end_sessions", "get_agent", "set_agent_locale", "visible_accounts"]
