"""The idempotency key every write form carries: submitting the same form twice sends once."""
from __future__ import annotations

import uuid

from flask import request


def new_key() -> str:
    """A fresh key, rendered into a form."""
    return str(uuid.uuid4())


def posted_key(max_length: int = 120) -> str:
    """The key the form came back with (a fresh one when it is missing), cut to what the outbox stores."""
    return (request.form.get("idempotency_key") or "").strip()[:max_length] or new_key()
