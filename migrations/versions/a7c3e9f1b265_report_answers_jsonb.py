"""Visit reports' answers as jsonb on PostgreSQL, read without parsing text again (SQLite keeps its JSON)

Revision ID: a7c3e9f1b265
Revises: f5a9c2e7d481
Create Date: 2026-12-01 09:50:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = 'a7c3e9f1b265'
down_revision = 'f5a9c2e7d481'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.alter_column(
        'visit_reports', 'answers', type_=postgresql.JSONB(), existing_type=sa.JSON(),
        postgresql_using='answers::jsonb',
    )


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.alter_column(
        'visit_reports', 'answers', type_=sa.JSON(), existing_type=postgresql.JSONB(),
        postgresql_using='answers::json',
    )
