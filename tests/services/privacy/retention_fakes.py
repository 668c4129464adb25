"""Small in-memory stand-ins for the retention job's ports that really change the rows: buyer fields of
orders pseudonymised, conversation texts redacted, holds from a set, an access-log purge that counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select, update

from desk.extensions import db
from desk.models import Order, Shipment
from desk.models.issue import Issue, IssueMessage
from desk.services.privacy.retention import RetentionPorts

MARKER = "[usunięto]"


@dataclass(frozen=True)
class Result:
    counts: dict[str, int]
    pseudonyms: tuple[str, ...] = ()


class Crash(RuntimeError):
    """The fake engine's simulated crash (a killed process)."""


@dataclass
class FakeEngine:
    """Pseudonymises orders and redacts conversations in the database; `crash_after` rows in total
    it raises in the middle of a batch (after changing some rows in the session)."""

    held: set[int] = field(default_factory=set)
    crash_after: int | None = None
    changed_rows: int = 0
    calls: list[tuple[str, tuple[int, ...], bool]] = field(default_factory=list)
    purges: list[tuple[dt.datetime, int]] = field(default_factory=list)

    def ports(self) -> RetentionPorts:
        return RetentionPorts(
            pseudonymise_orders=self.pseudonymise_orders,
            redact_conversations=self.redact_conversations,
            held_order_ids=self.held_order_ids,
            purge_access_log=self.purge_access_log,
        )

    def pseudonymise_orders(self, *, order_ids, now, reason, dry_run=False) -> Result:
        self.calls.append(("orders", tuple(order_ids), dry_run))
        orders = db.session.scalars(select(Order).where(Order.id.in_(order_ids)).order_by(Order.id)).all()
        changed = [order for order in orders if order.buyer_login != MARKER]
        if not dry_run:
            for order in changed:
                self._tick()
                order.buyer_login = order.buyer_first_name = order.buyer_last_name = MARKER
                order.buyer_email = order.buyer_phone = None
                order.delivery_address = None
            db.session.execute(
                update(Shipment).where(Shipment.order_id.in_(order_ids)).values(request={"redacted": True})
            )
            db.session.flush()
        return Result({"order": len(changed)})

    def redact_conversations(self, *, issue_ids, now, dry_run=False) -> Result:
        self.calls.append(("issues", tuple(issue_ids), dry_run))
        messages = db.session.scalars(
            select(IssueMessage).where(IssueMessage.issue_id.in_(issue_ids), IssueMessage.text != MARKER)
        ).all()
        if not dry_run:
            for message in messages:
                self._tick()
                message.text = MARKER
            db.session.execute(update(Issue).where(Issue.id.in_(issue_ids)).values(description=MARKER))
            db.session.flush()
        return Result({"issue_message": len(messages)})

    def held_order_ids(self, *, account_id, order_ids, now) -> set[int]:
        return self.held & set(order_ids)

    def purge_access_log(self, *, now, keep_days=365, batch=1000) -> int:
        self.purges.append((now, keep_days))
        return 0

    def _tick(self) -> None:
        self.changed_rows += 1
        if self.crash_after is not None and self.changed_rows > self.crash_after:
            raise Crash(f"killed after {self.crash_after} rows")
