"""sign-in throttle: one row per failed sign-in with its e-mail and address; agents' known devices

Revision ID: de95cc4d4877
Revises: f1a7c3e9b2d4
Create Date: 2026-12-02 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import desk.orm  # noqa: F401  (custom column types used below)

# revision identifiers, used by Alembic.
revision = 'de95cc4d4877'
down_revision = 'f1a7c3e9b2d4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('known_device',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', desk.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', desk.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_known_device_agent_id_agent'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_known_device')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_known_device_token_hash'))
    )
    with op.batch_alter_table('known_device', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_known_device_agent_id'), ['agent_id'], unique=False)

    # Failed sign-ins are short-lived counters; the old rows cannot say which e-mail and address they had.
    op.execute(sa.text('DELETE FROM login_attempt'))
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=False))
        batch_op.add_column(sa.Column('address', sa.String(length=64), nullable=False))
        batch_op.drop_index(batch_op.f('ix_login_attempt_key'))
        batch_op.create_index(batch_op.f('ix_login_attempt_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_attempt_email'), ['email'], unique=False)
        batch_op.drop_column('key')


def downgrade():
    op.execute(sa.text('DELETE FROM login_attempt'))
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key', sa.VARCHAR(length=300), nullable=False))
        batch_op.drop_index(batch_op.f('ix_login_attempt_email'))
        batch_op.drop_index(batch_op.f('ix_login_attempt_address'))
        batch_op.create_index(batch_op.f('ix_login_attempt_key'), ['key'], unique=False)
        batch_op.drop_column('address')
        batch_op.drop_column('email')

    with op.batch_alter_table('known_device', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_known_device_agent_id'))

    op.drop_table('known_device')
