"""Tenant messages: households' consent and opt-out, messages tied to a visit and expiring, running late

Revision ID: d2f6b8a4c310
Revises: 369d32144343
Create Date: 2026-12-01 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd2f6b8a4c310'
down_revision = '369d32144343'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_channel', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('contact_consent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('contact_consent_by', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('contact_consent_note', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('messages_stopped_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('stop_code', sa.String(length=16), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_households_contact_consent_by_users'), 'users', ['contact_consent_by'], ['id']
        )
        batch_op.create_unique_constraint(batch_op.f('uq_households_stop_code'), ['stop_code'])

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visit_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_messages_visit_id'), ['visit_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_messages_visit_id_visits'), 'visits', ['visit_id'], ['id'])

    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('cancelled_by_tenant', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column('expected_arrival_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_column('expected_arrival_at')
        batch_op.drop_column('cancelled_by_tenant')

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_messages_visit_id_visits'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_messages_visit_id'))
        batch_op.drop_column('expires_at')
        batch_op.drop_column('visit_id')

    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_households_stop_code'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_households_contact_consent_by_users'), type_='foreignkey')
        batch_op.drop_column('stop_code')
        batch_op.drop_column('messages_stopped_at')
        batch_op.drop_column('contact_consent_note')
        batch_op.drop_column('contact_consent_by')
        batch_op.drop_column('contact_consent_at')
