"""records from Allegro the desk could not read or store are set aside (quarantine)

Revision ID: f1a7c3e9b2d4
Revises: e8b3c6d2a4f9
Create Date: 2026-12-02 16:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import desk.orm  # noqa: F401  (custom column types used below)

# revision identifiers, used by Alembic.
revision = 'f1a7c3e9b2d4'
down_revision = 'e8b3c6d2a4f9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'quarantined_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('step', sa.String(length=16), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('record_key', sa.String(length=80), nullable=False),
        sa.Column('allegro_id', sa.String(length=64), nullable=True),
        sa.Column('raw', sa.Text(), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('first_seen_at', desk.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', desk.orm.UTCDateTime(timezone=True), nullable=False),
        sa.Column('times_seen', sa.Integer(), nullable=False),
        sa.Column('resolved_at', desk.orm.UTCDateTime(timezone=True), nullable=True),
        sa.Column('resolution', sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ['account_id'], ['seller_account.id'],
            name=op.f('fk_quarantined_record_account_id_seller_account'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quarantined_record')),
        sa.UniqueConstraint(
            'account_id', 'kind', 'record_key', name=op.f('uq_quarantined_record_account_id_kind_record_key')
        ),
    )
    op.create_index('ix_quarantined_record_open', 'quarantined_record', ['account_id', 'resolved_at'], unique=False)


def downgrade():
    op.drop_index('ix_quarantined_record_open', table_name='quarantined_record')
    op.drop_table('quarantined_record')
