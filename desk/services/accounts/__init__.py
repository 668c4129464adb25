"""Seller accounts (connection, token health) and the desk's agents (sign-in, roles, visibility)."""
