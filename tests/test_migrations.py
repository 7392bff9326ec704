"""The Alembic migrations build exactly the models' schema, and run down and up again, on both databases."""

import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import current_app
from flask_migrate import downgrade, upgrade

from server import create_app
from server.extensions import db


def _diff(connection, metadata: sa.MetaData | None = None) -> list:
    """What `flask db migrate` would write: the options are the ones the app gives Flask-Migrate."""
    options = current_app.extensions["migrate"].configure_args
    assert options["compare_type"] is True
    return compare_metadata(MigrationContext.configure(connection, opts=options), metadata or db.metadata)


def test_the_migrated_schema_is_the_models_schema(app):
    # The session's database was built by `flask db upgrade` (tests/conftest.py).
    assert _diff(db.session.connection()) == []


def test_the_comparison_notices_a_model_the_migrations_lack(app):
    drifted = sa.MetaData(naming_convention=db.metadata.naming_convention)
    for table in db.metadata.tables.values():
        table.to_metadata(drifted)
    drifted.tables["visits"].append_column(sa.Column("gate_code", sa.String(20)))
    sa.Table("ladders", drifted, sa.Column("id", sa.Integer, primary_key=True))

    diff = _diff(db.session.connection(), drifted)

    assert sorted(d[0] for d in diff) == ["add_column", "add_table"]


@pytest.fixture
def fresh_database_url(database_url, tmp_path):
    """An empty database of the same kind as the test database, dropped afterwards."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    url = sa.make_url(database_url).set(drivername="postgresql+psycopg")
    name = f"doorstep_migrations_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")  # CREATE DATABASE runs outside a transaction
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def fresh_app(fresh_database_url):
    fresh = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database_url, "TESTING": True, "LOG_JSON": False})
    with fresh.app_context():
        yield fresh
        db.engine.dispose()


def test_migrations_run_down_to_nothing_and_up_again(fresh_app):
    upgrade()
    downgrade(revision="base")
    assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]

    upgrade()

    with db.engine.connect() as connection:
        assert _diff(connection) == []
