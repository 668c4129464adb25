"""Allegro's read flag of a thread, mirrored when an agent opens it.

The flag is shared with the seller's own Allegro panel and only `PUT .../read` changes it
(reading messages never does, allegro-api#8736). The desk records it in the outbox, once per
new last message; the outbox job sends it within seconds, so a page view never waits on Allegro
and a failure is retried later.
"""
from __future__ import annotations

from desk.models.issue import Issue
from desk.services import outbox
from desk.services.issues.threads.writes import READ


def mirror_read(issue: Issue, *, enabled: bool) -> None:
    """Queue marking an unread thread read on Allegro (when the setting is on). Commits."""
    if not enabled or not issue.is_thread or issue.allegro_read is not False:
        return
    last = issue.last_message_at.isoformat() if issue.last_message_at else "-"
    outbox.enqueue(
        account_id=issue.account_id, kind=READ, target_id=issue.allegro_id,
        payload={"issue_id": issue.id}, idempotency_key=f"{READ}:{issue.account_id}:{issue.id}:{last}"[:120],
        agent_id=None,
    )
