"""Which rows belong to a seller account: found by walking the foreign keys to `seller_account`.

A table is the account's when it has a foreign key to `seller_account` (its rows are the account's by
that column), or a foreign key to a table that is the account's (its rows are the account's when any such
key points at one of the account's rows: an order line through its order, a reply file through its
conversation or its outbox message). The walk reads the models' metadata, so a table added later is
covered without a list to keep up to date. Tables shared by all accounts (agents, price lists of the
broker, payout batches) are not the account's; their rows pointing at the account's rows are unlinked by
the database (ON DELETE SET NULL).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, ColumnElement, MetaData, Table, false, or_, select

ACCOUNT_TABLE = "seller_account"


@dataclass(frozen=True)
class OwnedTable:
    """A table holding rows of seller accounts, and the keys that tell whose a row is."""

    table: Table
    account_columns: tuple[Column, ...]  # foreign keys to seller_account.id
    parent_links: tuple[tuple[Column, str, Column], ...]  # (our column, owned table name, its column)
    self_links: tuple[Column, ...]  # nullable keys to the same table (corrections of invoices)

    @property
    def name(self) -> str:
        return self.table.name


class AccountTables:
    """The account-owned tables of a schema, parents before children."""

    def __init__(self, metadata: MetaData) -> None:
        self.metadata = metadata
        self.account_table = metadata.tables[ACCOUNT_TABLE]
        self.tables: dict[str, OwnedTable] = {}
        for table in metadata.sorted_tables:
            owned = self._owned(table)
            if owned is not None:
                self.tables[table.name] = owned

    def _owned(self, table: Table) -> OwnedTable | None:
        if table.name == ACCOUNT_TABLE:
            return None
        account, parents, selves = [], [], []
        for fk in table.foreign_keys:
            target = fk.column.table
            if target.name == ACCOUNT_TABLE:
                account.append(fk.parent)
            elif target is table:
                if fk.parent.nullable:
                    selves.append(fk.parent)
            elif target.name in self.tables:
                parents.append((fk.parent, target.name, fk.column))
        if not account and not parents:
            return None
        return OwnedTable(table, tuple(account), tuple(parents), tuple(selves))

    def parents_first(self) -> list[OwnedTable]:
        return list(self.tables.values())

    def children_first(self) -> list[OwnedTable]:
        return list(reversed(self.tables.values()))

    def condition(self, name: str, account_id: int) -> ColumnElement[bool]:
        """Rows of table `name` that belong to the account."""
        owned = self.tables[name]
        if owned.account_columns:
            # a row with its own account column is that account's, whatever else it points at
            return or_(*(column == account_id for column in owned.account_columns))
        links = [
            column.in_(select(target).where(self.condition(parent, account_id)))
            for column, parent, target in owned.parent_links
        ]
        return or_(*links) if links else false()

    def select_rows(self, name: str, account_id: int):
        """SELECT of the account's rows of table `name`, ordered by the primary key."""
        table = self.tables[name].table
        return select(table).where(self.condition(name, account_id)).order_by(*table.primary_key.columns)
