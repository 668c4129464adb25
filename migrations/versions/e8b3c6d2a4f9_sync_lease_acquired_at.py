"""sync leases record since when their holder has held them (shown when a sync is refused)

Revision ID: e8b3c6d2a4f9
Revises: d5a9e2f4c7b1
Create Date: 2026-12-02 00:05:00.000000

"""
from alembic import op
import sqlalchemy as sa

import desk.orm  # noqa: F401  (custom column types used below)

# revision identifiers, used by Alembic.
revision = 'e8b3c6d2a4f9'
down_revision = 'd5a9e2f4c7b1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sync_lease', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acquired_at', desk.orm.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('sync_lease', schema=None) as batch_op:
        batch_op.drop_column('acquired_at')
