"""per-account sync schedule for adaptive polling (next sync, idle streak, slot)

Revision ID: a4c7e1f9d2b6
Revises: de95cc4d4877
Create Date: 2026-12-03 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import desk.orm  # noqa: F401  (custom column types used below)

# revision identifiers, used by Alembic.
revision = 'a4c7e1f9d2b6'
down_revision = 'de95cc4d4877'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sync_schedule',
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('next_sync_at', desk.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column('interval_seconds', sa.Integer(), nullable=False),
        sa.Column('idle_streak', sa.Integer(), nullable=False),
        sa.Column('slot', sa.Integer(), nullable=False),
        sa.Column('dispatched_at', desk.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_sync_at', desk.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_sweep_at', desk.orm.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['account_id'], ['seller_account.id'],
            name=op.f('fk_sync_schedule_account_id_seller_account'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('account_id', name=op.f('pk_sync_schedule')),
    )
    op.create_index('ix_sync_schedule_due', 'sync_schedule', ['next_sync_at'], unique=False)


def downgrade():
    op.drop_index('ix_sync_schedule_due', table_name='sync_schedule')
    op.drop_table('sync_schedule')
