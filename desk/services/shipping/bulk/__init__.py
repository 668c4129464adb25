"""Nadaj zaznaczone: many orders shipped at once from the orders list.

- preview.py: each selected order as it would be sent, with every problem; sends nothing.
- batches.py: `start` records a batch of the rows the agent kept, each item under its own key (its
  shipment's idempotency key); the batch's counts and what an agent may see of it.
- sending.py: `run_due`, the worker's job, sends each waiting item once.
- retry.py: a failed row corrected by the agent (receiver, point, parcel, service) and sent again alone.
- guards.py: one order is queued and shipped once (checked here, kept by the database);
  fields.py: which fields a row's problems name and the batch page corrects.

Public names: what the views, the jobs and the benchmarks use.
"""

from desk.services.shipping.bulk.batches import batch_of, item_of, refresh, start
from desk.services.shipping.bulk.fields import FIXABLE, GENERAL, form_field
from desk.services.shipping.bulk.guards import ALREADY_SHIPPED, IN_ANOTHER_BATCH, TAKEN_MEANWHILE
from desk.services.shipping.bulk.preview import Problem, Row, preview, sender_of
from desk.services.shipping.bulk.retry import (
    FixChoices,
    FixRefused,
    fix_choices,
    fix_groups,
    fixable_values,
    retry_item,
)
from desk.services.shipping.bulk.sending import claim_due, run_due, send_item

__all__ = [
    "ALREADY_SHIPPED",
    "FIXABLE",
    "GENERAL",
    "IN_ANOTHER_BATCH",
    "TAKEN_MEANWHILE",
    "FixChoices",
    "FixRefused",
    "Problem",
    "Row",
    "batch_of",
    "claim_due",
    "fix_choices",
    "fix_groups",
    "fixable_values",
    "form_field",
    "item_of",
    "preview",
    "refresh",
    "retry_item",
    "run_due",
    "send_item",
    "sender_of",
    "start",
]
