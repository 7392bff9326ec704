"""The Alembic migrations build exactly the models' schema, and run down and up again, on both databases."""

import uuid

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from server import create_app
from server.extensions import db
from server.models.base import render_migration_type


def _diff(connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True, "render_item": render_migration_type})
    return compare_metadata(context, db.metadata)


def test_the_migrated_schema_is_the_models_schema(app):
    # The session's database was built by `flask db upgrade` (tests/conftest.py).
    assert _diff(db.session.connection()) == []


def _fresh_database(database_url: str, tmp_path):
    """A URL for an empty database of the same kind, and a function that removes it."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'fresh.sqlite3'}", lambda: None
    name = f"doorstep_migrations_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(
        database_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return database_url.rsplit("/", 1)[0] + f"/{name}", drop


def test_migrations_run_down_to_nothing_and_up_again(database_url, tmp_path):
    url, drop = _fresh_database(database_url, tmp_path)
    fresh = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "LOG_JSON": False})
    try:
        with fresh.app_context():
            upgrade()
            downgrade(revision="base")
            assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
            upgrade()
            with db.engine.connect() as connection:
                assert _diff(connection) == []
            db.engine.dispose()
    finally:
        drop()
