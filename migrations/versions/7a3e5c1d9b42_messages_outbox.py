"""Messages: the outbox of emails and text messages, with their delivery state

Revision ID: 7a3e5c1d9b42
Revises: c4d1a7e9b203
Create Date: 2026-12-01 06:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a3e5c1d9b42'
down_revision = 'c4d1a7e9b203'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('messages',
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('audience', sa.Enum('manager', 'tenant', name='message_audience', native_enum=False, create_constraint=True, length=15), nullable=False),
    sa.Column('channel', sa.Enum('email', 'sms', name='message_channel', native_enum=False, create_constraint=True, length=13), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('household_id', sa.Uuid(), nullable=True),
    sa.Column('organisation_id', sa.Uuid(), nullable=True),
    sa.Column('contract_id', sa.Uuid(), nullable=True),
    sa.Column('template', sa.String(length=60), nullable=False),
    sa.Column('lang', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('queued', 'sending', 'sent', 'failed', 'cancelled', name='message_state', native_enum=False, create_constraint=True, length=17), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handed_over_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('provider', sa.String(length=20), nullable=True),
    sa.Column('provider_id', sa.String(length=100), nullable=True),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('dedupe_key', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_messages_contract_id_contracts')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_messages_household_id_households')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_messages_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_messages_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_messages_dedupe_key')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_messages_idempotency_key'))
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index('ix_messages_due', ['state', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_organisation_id'), ['organisation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_messages_contract_id'))
        batch_op.drop_index('ix_messages_due')

    op.drop_table('messages')
