"""Which conversation a message the desk started ended up in, for the page that sent it.

A new thread's id is known once Allegro has the message (outreach.start_thread, writes._after_start);
the order page then leads the agent straight to the conversation.
"""
from __future__ import annotations

from desk.models import OutboxMessage
from desk.services.issues.threads.store import load_threads


def started_conversation_id(message: OutboxMessage | None) -> int | None:
    """The desk's id of the conversation `message` (a sent new-thread write) opened, when known."""
    if message is None:
        return None
    issue_id = (message.payload or {}).get("issue_id")
    if isinstance(issue_id, int):
        return issue_id
    thread_id = (message.result or {}).get("thread_id")
    if not thread_id:
        return None
    issue = load_threads(message.account_id, [thread_id]).get(thread_id)
    return issue.id if issue is not None else None
