"""Use cases as plain functions; ports arrive as arguments and each public call owns its commit."""
