"""access log of buyer data shown to agents

Revision ID: b7a3c51e9d20
Revises: 886eef8018e6
Create Date: 2026-12-03 11:50:00.000000

"""
from alembic import op
import sqlalchemy as sa

import desk.orm  # noqa: F401  (custom column types used below)


# revision identifiers, used by Alembic.
revision = 'b7a3c51e9d20'
down_revision = '886eef8018e6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('access_log',
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
    sa.ForeignKeyConstraint(['account_id'], ['seller_account.id'],
                            name=op.f('fk_access_log_account_id_seller_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log'))
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.create_index('ix_access_log_account_at', ['account_id', 'at'], unique=False)
        batch_op.create_index('ix_access_log_agent_at', ['agent_id', 'at'], unique=False)
        batch_op.create_index('ix_access_log_at', ['at', 'id'], unique=False)
        batch_op.create_index('ix_access_log_buyer_at', ['buyer_ref', 'at'], unique=False)
        batch_op.create_index('ix_access_log_entity_at', ['entity_type', 'entity_id', 'at'], unique=False)
        batch_op.create_index('ix_access_log_ip_at', ['ip', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_index('ix_access_log_ip_at')
        batch_op.drop_index('ix_access_log_entity_at')
        batch_op.drop_index('ix_access_log_buyer_at')
        batch_op.drop_index('ix_access_log_at')
        batch_op.drop_index('ix_access_log_agent_at')
        batch_op.drop_index('ix_access_log_account_at')

    op.drop_table('access_log')
