"""access log rows waiting to be moved into the indexed log

Revision ID: c2f7e4a9b1d6
Revises: d45d686c3b91
Create Date: 2026-12-03 17:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import desk.orm  # noqa: F401  (custom column types used below)


# revision identifiers, used by Alembic.
revision = 'c2f7e4a9b1d6'
down_revision = 'd45d686c3b91'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('access_log_pending',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', desk.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('ip', sa.String(length=45), nullable=True),
    sa.Column('user_agent', sa.String(length=200), nullable=True),
    sa.Column('route', sa.String(length=80), nullable=False),
    sa.Column('action', sa.Enum('VIEW', 'LIST', 'REVEAL', 'SEARCH', 'EXPORT', 'DOWNLOAD', name='accessaction',
                                native_enum=False, length=16), nullable=False),
    sa.Column('entity_type', sa.String(length=24), nullable=True),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('buyer_ref', sa.String(length=64), nullable=True),
    sa.Column('data_classes', sa.String(length=80), nullable=False),
    sa.Column('search_query', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log_pending'))
    )


def downgrade():
    op.drop_table('access_log_pending')
