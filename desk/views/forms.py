"""What every form that writes to Allegro shares: its idempotency key and the word after it is sent.

The key makes submitting the same form twice send once.
"""
from __future__ import annotations

import uuid

from flask import flash, request

from desk.models import OutboxMessage, OutboxState


def new_key() -> str:
    """A fresh key, rendered into a form."""
    return str(uuid.uuid4())


def posted_key(max_length: int = 120) -> str:
    """The key the form came back with (a fresh one when it is missing), cut to what the outbox stores."""
    return (request.form.get("idempotency_key") or "").strip()[:max_length] or new_key()


def flash_outcome(message: OutboxMessage | None, *, sent: str, waiting: str) -> None:
    """`sent` when Allegro has the write, else `waiting` (it waits in the outbox, or why it failed)."""
    if message is not None and message.state is OutboxState.SENT:
        flash(sent, "success")
    else:
        flash(waiting, "warning")
