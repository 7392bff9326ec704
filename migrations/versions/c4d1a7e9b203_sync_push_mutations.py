"""Sync push: each pushed mutation's stored result

Revision ID: c4d1a7e9b203
Revises: e93f32b01682
Create Date: 2026-12-01 05:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d1a7e9b203'
down_revision = 'e93f32b01682'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sync_mutations',
    sa.Column('mutation_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('device_id', sa.String(length=100), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=True),
    sa.Column('op', sa.String(length=40), nullable=True),
    sa.Column('target_id', sa.Uuid(), nullable=True),
    sa.Column('target_version', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('applied', 'conflict', 'rejected', name='sync_mutation_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('device_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sync_mutations_user_id_users')),
    sa.PrimaryKeyConstraint('mutation_id', name=op.f('pk_sync_mutations'))
    )
    with op.batch_alter_table('sync_mutations', schema=None) as batch_op:
        batch_op.create_index('ix_sync_mutations_target', ['target_id', 'user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('sync_mutations', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_mutations_target')

    op.drop_table('sync_mutations')
