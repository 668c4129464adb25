"""complaints: the corrected description of a description complaint; e-mailed notices

Revision ID: a41c0e7d9b12
Revises: 6356da3f2d35
Create Date: 2026-12-03 12:00:00

"""
from alembic import op
import sqlalchemy as sa

import desk.orm  # noqa: F401  (custom column types used below)


revision = 'a41c0e7d9b12'
down_revision = '6356da3f2d35'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('complaint') as batch_op:
        batch_op.add_column(sa.Column('corrected_description', sa.String(length=255), server_default='',
                                      nullable=False))
    with op.batch_alter_table('complaint_event') as batch_op:
        batch_op.add_column(sa.Column('mailed_at', desk.orm.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('parcel_return') as batch_op:
        batch_op.add_column(sa.Column('mailed_at', desk.orm.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('parcel_return') as batch_op:
        batch_op.drop_column('mailed_at')
    with op.batch_alter_table('complaint_event') as batch_op:
        batch_op.drop_column('mailed_at')
    with op.batch_alter_table('complaint') as batch_op:
        batch_op.drop_column('corrected_description')
