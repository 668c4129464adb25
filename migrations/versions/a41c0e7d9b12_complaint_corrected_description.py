"""complaint: the corrected description of a description complaint

Revision ID: a41c0e7d9b12
Revises: 6356da3f2d35
Create Date: 2026-12-03 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a41c0e7d9b12'
down_revision = '6356da3f2d35'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('complaint') as batch_op:
        batch_op.add_column(sa.Column('corrected_description', sa.String(length=255), server_default='',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('complaint') as batch_op:
        batch_op.drop_column('corrected_description')
