"""Engine settings: the embedded SQLite database behaving like a real one, and PostgreSQL's timeouts."""

import sqlalchemy as sa

from server.extensions import db


def _sqlite_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy, not the sqlite3 module, open transactions, so SAVEPOINT and transactional
    # DDL work; enforce foreign keys; let readers and the writer overlap; wait for a busy writer.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.close()


def _sqlite_begin(connection) -> None:
    connection.exec_driver_sql("BEGIN")


def _postgres_timeouts(statement_ms: int, idle_ms: int):
    # The sync feed waits behind the oldest open transaction (sync/feed.py): a stuck statement or a
    # transaction left open delays every device's pull, so neither may last long. 0 turns one off.
    def connect(dbapi_connection, _record) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(statement_ms)}")
            cursor.execute(f"SET idle_in_transaction_session_timeout = {int(idle_ms)}")
            # Stored times are UTC: read in UTC, psycopg hands back datetime.UTC ones, which UTCDateTime
            # takes as they are (in the server's zone, each one costs a conversion: 0.3 s in a year's report).
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()

    return connect


def init_app(app) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_connect)
        sa.event.listen(engine, "begin", _sqlite_begin)
    if engine.dialect.name == "postgresql":
        timeouts = _postgres_timeouts(
            app.config["DATABASE_STATEMENT_TIMEOUT_MS"], app.config["DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS"]
        )
        sa.event.listen(engine, "connect", timeouts)
