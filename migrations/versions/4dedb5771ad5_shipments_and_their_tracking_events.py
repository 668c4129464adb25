"""shipments, their tracking events and package presets

Revision ID: 4dedb5771ad5
Revises: c6e1a9d3f2b8
Create Date: 2026-12-03 05:02:04.377329

"""
from alembic import op
import sqlalchemy as sa

import desk.orm  # noqa: F401  (custom column types used below)


# revision identifiers, used by Alembic.
revision = '4dedb5771ad5'
down_revision = 'c6e1a9d3f2b8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('package_preset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('length_mm', sa.Integer(), nullable=False),
    sa.Column('width_mm', sa.Integer(), nullable=False),
    sa.Column('height_mm', sa.Integer(), nullable=False),
    sa.Column('weight_g', sa.Integer(), nullable=False),
    sa.Column('template', sa.String(length=16), nullable=False),
    sa.Column('created_at', desk.orm.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['seller_account.id'], name=op.f('fk_package_preset_account_id_seller_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_package_preset')),
    sa.UniqueConstraint('account_id', 'name', name=op.f('uq_package_preset_account_id_name'))
    )
    with op.batch_alter_table('package_preset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_package_preset_account_id'), ['account_id'], unique=False)

    op.create_table('shipment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('carrier', sa.String(length=16), nullable=False),
    sa.Column('service', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('ORDERING', 'CHECKING', 'PENDING', 'CONFIRMED', 'SENT', 'FAILED', 'CANCELLED', name='shipmentstatus', native_enum=False, length=16), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('carrier_shipment_id', sa.String(length=64), nullable=True),
    sa.Column('waybills', sa.JSON(), nullable=False),
    sa.Column('request', sa.JSON(), nullable=False),
    sa.Column('quote', sa.JSON(), nullable=True),
    sa.Column('price_gross', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('cod_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('problems', sa.JSON(), nullable=True),
    sa.Column('tracking_state', sa.String(length=20), nullable=True),
    sa.Column('tracking_at', desk.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('tracking_next_at', desk.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('order_tracking_at', desk.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('order_sent_at', desk.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accepted_mail_at', desk.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', desk.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', desk.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('confirmed_at', desk.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', desk.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('next_check_at', desk.orm.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['seller_account.id'], name=op.f('fk_shipment_account_id_seller_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['agent.id'], name=op.f('fk_shipment_created_by_agent'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], name=op.f('fk_shipment_order_id_order'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipment')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_shipment_idempotency_key'))
    )
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.create_index('ix_shipment_account_created', ['account_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipment_carrier_shipment_id'), ['carrier_shipment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipment_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_shipment_status_next', ['status', 'next_check_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipment_tracking_next_at'), ['tracking_next_at'], unique=False)

    op.create_table('shipment_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shipment_id', sa.Integer(), nullable=False),
    sa.Column('waybill', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('text', sa.String(length=255), nullable=False),
    sa.Column('at', desk.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=True),
    sa.Column('known', sa.Boolean(), nullable=False),
    sa.Column('location', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipment.id'], name=op.f('fk_shipment_event_shipment_id_shipment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipment_event')),
    sa.UniqueConstraint('shipment_id', 'waybill', 'code', 'at', name=op.f('uq_shipment_event_shipment_id_waybill_code_at'))
    )
    with op.batch_alter_table('shipment_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipment_event_shipment_id'), ['shipment_id'], unique=False)



def downgrade():
    with op.batch_alter_table('shipment_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipment_event_shipment_id'))

    op.drop_table('shipment_event')
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipment_tracking_next_at'))
        batch_op.drop_index('ix_shipment_status_next')
        batch_op.drop_index(batch_op.f('ix_shipment_order_id'))
        batch_op.drop_index(batch_op.f('ix_shipment_carrier_shipment_id'))
        batch_op.drop_index('ix_shipment_account_created')

    op.drop_table('shipment')
    with op.batch_alter_table('package_preset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_package_preset_account_id'))

    op.drop_table('package_preset')
