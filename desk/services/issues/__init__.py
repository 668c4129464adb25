"""Buyer conversations (discussions, claims, Message Center questions and post-purchase problems):
inbox, detail, replies, claim decisions, deadlines.

Other areas' views reach this area only through the names below.
"""
from desk.services.issues.detail import conversations_for_order
from desk.services.issues.inbox import queue_counts
from desk.services.issues.threads.outreach import (
    MAX_BULK,
    BulkOutcome,
    FailedStart,
    StartOutcome,
    discard_start,
    failed_starts,
    retry_start,
    start_thread,
    start_threads_bulk,
)
from desk.services.issues.threads.replies import ATTACHMENT_MAX_BYTES as THREAD_FILE_MAX_BYTES
from desk.services.issues.threads.replies import THREAD_TEXT_MAX
from desk.services.issues.threads.started import started_conversation_id
from desk.services.issues.uploads import MAX_ATTACHMENTS, Upload

__all__ = [
    "MAX_ATTACHMENTS",
    "MAX_BULK",
    "THREAD_FILE_MAX_BYTES",
    "THREAD_TEXT_MAX",
    "BulkOutcome",
    "FailedStart",
    "StartOutcome",
    "Upload",
    "conversations_for_order",
    "queue_counts",
    "discard_start",
    "failed_starts",
    "retry_start",
    "start_thread",
    "start_threads_bulk",
    "started_conversation_id",
]
