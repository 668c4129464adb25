"""drop the single-column fulfillment_status index (ix_order_fulfillment_bought leads with it)

Revision ID: 9c41d2e7a5b3
Revises: 25155c975065
Create Date: 2026-11-30 07:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '9c41d2e7a5b3'
down_revision = '25155c975065'
branch_labels = None
depends_on = None


def upgrade():
    # Every lookup by fulfilment status is served by the composite index, whose first column it
    # is; the single-column copy only cost a write per order synced.
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_fulfillment_status'))


def downgrade():
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_fulfillment_status'), ['fulfillment_status'], unique=False)
