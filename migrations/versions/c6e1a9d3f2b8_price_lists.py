"""price lists: public and per-account lists, freight rows, add-on prices

Revision ID: c6e1a9d3f2b8
Revises: b9d4e2a7c1f3
Create Date: 2026-12-03 05:02:16.993356

Overlap of validity within one owner is checked by the service under a per-owner lock (see
desk/services/shipping/pricing/lists.py), not by a constraint: SQLite has no exclusion constraints.

"""
from alembic import op
import sqlalchemy as sa

import desk.orm  # noqa: F401  (custom column types used below)


# revision identifiers, used by Alembic.
revision = 'c6e1a9d3f2b8'
down_revision = 'b9d4e2a7c1f3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('price_list',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('vat_rate', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('created_at', desk.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_price_list_validity')),
    sa.ForeignKeyConstraint(['account_id'], ['seller_account.id'], name=op.f('fk_price_list_account_id_seller_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['agent.id'], name=op.f('fk_price_list_created_by_agent'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_list'))
    )
    with op.batch_alter_table('price_list', schema=None) as batch_op:
        batch_op.create_index('ix_price_list_owner_validity', ['account_id', 'valid_from'], unique=False)

    op.create_table('addon_price',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('carrier', sa.String(length=32), nullable=False),
    sa.Column('service', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('value_from', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('value_to', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('net_fixed', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('percent', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('min_net', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.CheckConstraint('net_fixed >= 0 AND percent >= 0', name=op.f('ck_addon_price_non_negative')),
    sa.ForeignKeyConstraint(['list_id'], ['price_list.id'], name=op.f('fk_addon_price_list_id_price_list'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_addon_price'))
    )
    with op.batch_alter_table('addon_price', schema=None) as batch_op:
        batch_op.create_index('ix_addon_price_lookup', ['list_id', 'code'], unique=False)

    op.create_table('price_row',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('carrier', sa.String(length=32), nullable=False),
    sa.Column('service', sa.String(length=64), nullable=False),
    sa.Column('size_class', sa.String(length=8), nullable=False),
    sa.Column('weight_from_g', sa.Integer(), nullable=False),
    sa.Column('weight_to_g', sa.Integer(), nullable=False),
    sa.Column('net', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.CheckConstraint('net >= 0', name=op.f('ck_price_row_net')),
    sa.CheckConstraint('weight_from_g >= 0 AND weight_to_g >= weight_from_g', name=op.f('ck_price_row_weight_band')),
    sa.ForeignKeyConstraint(['list_id'], ['price_list.id'], name=op.f('fk_price_row_list_id_price_list'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_row'))
    )
    with op.batch_alter_table('price_row', schema=None) as batch_op:
        batch_op.create_index('ix_price_row_lookup', ['list_id', 'carrier', 'service'], unique=False)



def downgrade():
    with op.batch_alter_table('price_row', schema=None) as batch_op:
        batch_op.drop_index('ix_price_row_lookup')

    op.drop_table('price_row')
    with op.batch_alter_table('addon_price', schema=None) as batch_op:
        batch_op.drop_index('ix_addon_price_lookup')

    op.drop_table('addon_price')
    with op.batch_alter_table('price_list', schema=None) as batch_op:
        batch_op.drop_index('ix_price_list_owner_validity')

    op.drop_table('price_list')
