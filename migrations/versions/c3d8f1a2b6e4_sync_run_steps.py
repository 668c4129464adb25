"""sync runs record each step's outcome (orders, issues, ratings succeed or fail on their own)

Revision ID: c3d8f1a2b6e4
Revises: b7e2c4a91d30
Create Date: 2026-12-01 23:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d8f1a2b6e4'
down_revision = 'b7e2c4a91d30'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sync_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('steps', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('sync_run', schema=None) as batch_op:
        batch_op.drop_column('steps')
