"""message center threads in the conversation model

Revision ID: b9d4e2a7c1f3
Revises: a4c7e1f9d2b6
Create Date: 2026-12-02 20:30:00.000000

Every existing conversation is a /sale/issues one; Message Center threads are added by the sync.

"""
from alembic import op
import sqlalchemy as sa

import desk.orm  # noqa: F401  (custom column types used below)


# revision identifiers, used by Alembic.
revision = 'b9d4e2a7c1f3'
down_revision = 'a4c7e1f9d2b6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reply_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issue_id', sa.Integer(), nullable=True),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', desk.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_reply_file_agent_id_agent'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['issue_id'], ['issue.id'], name=op.f('fk_reply_file_issue_id_issue'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox_message.id'], name=op.f('fk_reply_file_outbox_id_outbox_message'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_file'))
    )
    with op.batch_alter_table('reply_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reply_file_issue_id'), ['issue_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reply_file_outbox_id'), ['outbox_id'], unique=False)

    with op.batch_alter_table('issue', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=16), nullable=False, server_default='sale_issues'))
        batch_op.add_column(sa.Column('allegro_read', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('missing_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('missing_since', desk.orm.UTCDateTime(timezone=True), nullable=True))
        batch_op.alter_column('type',
               existing_type=sa.VARCHAR(length=16),
               type_=sa.String(length=24),
               existing_nullable=False)
        # a thread and an issue may not share an id space: unique within their source
        batch_op.drop_constraint('uq_issue_account_id_allegro_id', type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_issue_account_id_source_allegro_id'), ['account_id', 'source', 'allegro_id']
        )

    with op.batch_alter_table('issue_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seen_at', desk.orm.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('status', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('message_type', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('subject', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('deleted_at', desk.orm.UTCDateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('issue_message', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')
        batch_op.drop_column('subject')
        batch_op.drop_column('message_type')
        batch_op.drop_column('status')
        batch_op.drop_column('seen_at')

    with op.batch_alter_table('issue', schema=None) as batch_op:
        batch_op.drop_constraint('uq_issue_account_id_source_allegro_id', type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_issue_account_id_allegro_id'), ['account_id', 'allegro_id']
        )
        batch_op.alter_column('type',
               existing_type=sa.String(length=24),
               type_=sa.VARCHAR(length=16),
               existing_nullable=False)
        batch_op.drop_column('missing_since')
        batch_op.drop_column('missing_count')
        batch_op.drop_column('allegro_read')
        batch_op.drop_column('source')

    with op.batch_alter_table('reply_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reply_file_outbox_id'))
        batch_op.drop_index(batch_op.f('ix_reply_file_issue_id'))

    op.drop_table('reply_file')
