"""orders keep their tracking numbers as last read from Allegro (pages never wait on Allegro)

Revision ID: b7e2c4a91d30
Revises: 9c41d2e7a5b3
Create Date: 2026-12-01 23:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import desk.orm  # noqa: F401  (custom column types used below)

# revision identifiers, used by Alembic.
revision = 'b7e2c4a91d30'
down_revision = '9c41d2e7a5b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shipments', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('shipments_read_at', desk.orm.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.drop_column('shipments_read_at')
        batch_op.drop_column('shipments')
