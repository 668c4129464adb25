"""one live bulk item per order

Revision ID: f62c9b84d56d
Revises: 4a93a925d66d
Create Date: 2026-12-03 07:45:46.248690

"""
from alembic import op
import sqlalchemy as sa

import desk.orm  # noqa: F401  (custom column types used below)


# revision identifiers, used by Alembic.
revision = 'f62c9b84d56d'
down_revision = '4a93a925d66d'
branch_labels = None
depends_on = None

LIVE = sa.text("status IN ('WAITING', 'SENDING')")


def upgrade():
    # An order queued twice before this index existed keeps its oldest live item; the others are
    # failed with a reason the batch page shows in Polish (a catalog message; run with the workers
    # stopped).
    op.execute(
        "UPDATE shipment_batch_item SET status = 'FAILED', next_try_at = NULL, "
        "error = 'This order is being sent in another batch right now.' "
        "WHERE status IN ('WAITING', 'SENDING') AND order_id IS NOT NULL AND id NOT IN ("
        "SELECT MIN(id) FROM shipment_batch_item WHERE status IN ('WAITING', 'SENDING') "
        "AND order_id IS NOT NULL GROUP BY order_id)"
    )
    with op.batch_alter_table('shipment_batch_item', schema=None) as batch_op:
        batch_op.create_index(
            'uq_shipment_batch_item_live_order', ['order_id'], unique=True,
            postgresql_where=LIVE, sqlite_where=LIVE,
        )


def downgrade():
    with op.batch_alter_table('shipment_batch_item', schema=None) as batch_op:
        batch_op.drop_index('uq_shipment_batch_item_live_order', postgresql_where=LIVE, sqlite_where=LIVE)
