"""an index on shipment (tracking_state, order_id) for the orders list's parcel filter

Revision ID: 7c2e9a4b1d35
Revises: 7c1e5a9d3b20
Create Date: 2026-12-03 05:15:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7c2e9a4b1d35'
down_revision = '7c1e5a9d3b20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.create_index('ix_shipment_state_order', ['tracking_state', 'order_id'], unique=False)


def downgrade():
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.drop_index('ix_shipment_state_order')
