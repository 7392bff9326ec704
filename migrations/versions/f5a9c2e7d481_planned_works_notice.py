"""Planned-works notices: how the tenant was told, for which first day, and why notice was short

Revision ID: f5a9c2e7d481
Revises: d2f6b8a4c310
Create Date: 2026-12-01 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f5a9c2e7d481'
down_revision = 'd2f6b8a4c310'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('planned_works_notice_by', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('planned_works_notice_for', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('planned_works_short_notice_reason', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_column('planned_works_short_notice_reason')
        batch_op.drop_column('planned_works_notice_for')
        batch_op.drop_column('planned_works_notice_by')
