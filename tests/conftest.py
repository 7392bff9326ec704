"""Fixtures: one app per run on the database TEST_DATABASE_URL names, each test in a rolled-back transaction.

`make test` runs the suite twice: TEST_DATABASE_URL=sqlite, then the PostgreSQL URL. When PostgreSQL
is not running the second run is skipped with a message, unless REQUIRE_POSTGRES=1 (CI).
"""

import contextvars
import os
import threading
import uuid

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_jwt_extended import create_access_token, create_refresh_token, get_jti
from flask_migrate import upgrade
from werkzeug.serving import make_server

from server import create_app
from server.extensions import db, limiter
from server.models import DeviceSession
from server.models.base import utcnow
from tests import factories

CHEAP_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


def _database_url(tmp_dir) -> str:
    url = os.environ.get("TEST_DATABASE_URL", "sqlite")
    return f"sqlite:///{tmp_dir / 'test.sqlite3'}" if url == "sqlite" else url


def _postgres_reachable(url: str) -> str | None:
    """None if PostgreSQL answers at `url`, else why not."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        return str(exc.orig).strip().splitlines()[0]
    finally:
        engine.dispose()
    return None


def pytest_configure(config):
    url = os.environ.get("TEST_DATABASE_URL", "sqlite")
    if url.startswith("postgres"):
        why = _postgres_reachable(url)
        if why and os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.exit(f"PostgreSQL is required (REQUIRE_POSTGRES=1) but {url} is not reachable: {why}", returncode=3)
        if why:
            pytest.exit(f"SKIPPED the PostgreSQL run: {url} is not reachable ({why}).", returncode=0)


def _reset_schema(url: str) -> None:
    if url.startswith("postgres"):
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh context, as in production: its own app context, `g` and session."""

    def open(self, *args, **kwargs):
        context = contextvars.Context()
        response = context.run(super().open, *args, **kwargs)
        if response.is_streamed:  # a server iterates the body in the request's context (stream_with_context)
            response.response = _InContext(context, response.response)
        db.session.expire_all()  # the test's own session sees what the request committed
        return response


class _InContext:
    """A response body read, and closed, in the context its request ran in."""

    def __init__(self, context: contextvars.Context, body):
        self.context, self.body = context, body

    def __iter__(self):
        chunks = iter(self.body)
        while True:
            try:
                yield self.context.run(next, chunks)
            except StopIteration:
                return

    def close(self) -> None:
        if hasattr(self.body, "close"):
            self.context.run(self.body.close)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    return _database_url(tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="session")
def app(tmp_path_factory, database_url):
    _reset_schema(database_url)
    os.environ["INSTANCE_PATH"] = str(tmp_path_factory.mktemp("instance"))
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "ARGON2_PARAMETERS": CHEAP_ARGON2,
            "LOGIN_LIMIT_PER_ADDRESS": "1000 per minute",
            # An old refresh token is reuse at once; tests of the retry grace turn it on.
            "REFRESH_RETRY_GRACE_SECONDS": 0,
            "LOG_JSON": False,
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _transaction(app):
    """Run the test inside a transaction on one connection, rolled back at the end.

    Every session the test and its requests open joins that transaction through a savepoint,
    so a request's commit and rollback behave as they would, and nothing outlives the test.
    """
    with app.app_context():
        engines = db.engines
        engine = engines[None]
        connection = engine.connect()
        outer = connection.begin()
        engines[None] = connection
        app_session = db.session
        db.session = db._make_scoped_session({"join_transaction_mode": "create_savepoint"})
        limiter.reset()
        try:
            yield
        finally:
            db.session.remove()
            db.session = app_session
            engines[None] = engine
            outer.rollback()
            connection.close()


@pytest.fixture
def live_server(app):
    """The test's own app over real HTTP, in a thread on a free port: its requests join the test's transaction."""
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def auth_headers():
    """Mint an access token for a user on a new device session, as login would."""

    def mint(user, refresh: bool = False) -> dict:
        session = DeviceSession(id=uuid.uuid4(), user_id=user.id, device_id="test", refresh_jti="")
        claims = {"sid": str(session.id)}
        token = create_refresh_token(str(user.id), additional_claims=claims)
        session.refresh_jti = get_jti(token)
        db.session.add(session)
        db.session.flush()
        if not refresh:
            token = create_access_token(str(user.id), additional_claims=claims)
        return {"Authorization": f"Bearer {token}"}

    return mint


@pytest.fixture
def world():
    """Two independent worlds, A and B: each a landlord, a contractor, a contract, its people and a visit."""
    return factories.World.build()


@pytest.fixture
def now():
    return utcnow()
