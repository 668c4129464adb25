"""agents' session generation: signing out, a new password or deactivation end every session

Revision ID: d5a9e2f4c7b1
Revises: c3d8f1a2b6e4
Create Date: 2026-12-01 23:58:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5a9e2f4c7b1'
down_revision = 'c3d8f1a2b6e4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('agent', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
