"""The pull feed's rules at the service level: the doorstep password by the day, one change per record a page,
pruning past the horizon, and the lag a stuck transaction causes (sync/feed.py)."""

import logging
import time as clock
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from server import encryption
from server.cli import prune_changes
from server.extensions import db
from server.london_time import LONDON
from server.models import Change
from server.models.base import utcnow
from server.services import visits
from sync import feed
from tests import factories


def _noon(day_offset: int) -> datetime:
    day = utcnow().astimezone(LONDON).date() + timedelta(days=day_offset)
    return datetime.combine(day, time(12), LONDON).astimezone(UTC)


def _pull_all(actor, cursor, now):
    changes = []
    while True:
        page = feed.pull(actor, cursor, 500, now)
        changes += page.changes
        cursor = page.cursor
        if not page.has_more:
            return changes, cursor


def _password(changes, household_id):
    found = [c for c in changes if c["entity"] == "household" and c["id"] == str(household_id)]
    return found[-1]["data"]["doorstep_password"] if found else "not sent"


def test_the_doorstep_password_arrives_on_the_visit_day_and_goes_the_day_after(world):
    side = world.a
    home = factories.home(side.landlord, household={"doorstep_password_encrypted": encryption.encrypt("bluebell")})
    start = _noon(1)
    factories.visit(side.contract, home, side.operative, window_start=start, window_end=start + timedelta(hours=2))

    before, cursor = _pull_all(side.operative, None, _noon(0))
    on_the_day, cursor = _pull_all(side.operative, cursor, _noon(1))
    again, cursor = _pull_all(side.operative, cursor, _noon(1) + timedelta(hours=1))
    after, _ = _pull_all(side.operative, cursor, _noon(2))

    assert _password(before, home.household.id) is None
    assert _password(on_the_day, home.household.id) == "bluebell"
    assert _password(again, home.household.id) == "not sent"  # once a day is enough
    assert _password(after, home.household.id) is None


def test_a_record_changed_twice_between_pulls_arrives_once_at_its_latest_version(world, now):
    side = world.a
    _, cursor = _pull_all(side.operative, None, now)
    for days in (1, 2):
        start = side.visit.window_start + timedelta(days=days)
        visits.reschedule_visit(
            side.visit.id, start, start + timedelta(hours=2), actor=side.contractor_manager, now=utcnow()
        )

    changes, _ = _pull_all(side.operative, cursor, now)

    assert [(c["entity"], c["op"], c["version"]) for c in changes] == [("visit", "upsert", 3)]


def test_housekeeping_prunes_change_rows_past_the_horizon(app, runner, world, now):
    horizon = app.config["SYNC_TOMBSTONE_DAYS"]
    old, kept = (
        Change(entity="visit", entity_id=world.a.visit.id, op="delete", version=1, recorded_at=now - timedelta(days=d))
        for d in (horizon + 2, horizon - 1)
    )
    db.session.add_all([old, kept])
    db.session.flush()
    old_id, kept_id = old.id, kept.id

    result = runner.invoke(args=["housekeeping"])

    assert result.exit_code == 0, result.output
    assert "Pruned 1 change rows" in result.output
    remaining = set(db.session.scalars(sa.select(Change.id).where(Change.id.in_([old_id, kept_id]))))
    assert remaining == {kept_id}


def test_pruning_keeps_a_day_beyond_the_horizon_cursors_are_refused_at(app, world, now):
    horizon = app.config["SYNC_TOMBSTONE_DAYS"]
    db.session.add(
        Change(
            entity="visit",
            entity_id=world.a.visit.id,
            op="delete",
            version=1,
            recorded_at=now - timedelta(days=horizon, hours=12),
        )
    )
    db.session.flush()

    assert prune_changes(now) == 0


def test_readiness_reports_the_feeds_lag(client):
    ready = client.get("/readyz").json

    assert ready["sync_lag_seconds"] >= 0


@pytest.fixture
def stuck_transaction(app, database_url):
    """Another connection holding a transaction (with an id) open, as a stuck request would."""
    if not database_url.startswith("postgres"):
        pytest.skip("SQLite has one writer: no transaction holds the feed back")
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    connection = engine.connect()
    connection.execute(sa.text("SELECT pg_current_xact_id()"))
    yield
    connection.rollback()
    connection.close()
    engine.dispose()


def test_a_stuck_transaction_shows_as_lag_in_readiness_and_the_logs(
    app, client, world, stuck_transaction, caplog, monkeypatch
):
    clock.sleep(1.2)
    monkeypatch.setitem(app.config, "SYNC_LAG_WARN_SECONDS", 1)

    with caplog.at_level(logging.WARNING, logger="sync.feed"):
        feed.pull(world.a.operative, None, 10, utcnow())

    assert client.get("/readyz").json["sync_lag_seconds"] >= 1
    assert any("held back" in r.getMessage() for r in caplog.records)


def test_postgresql_connections_carry_statement_and_idle_timeouts(database_url):
    if not database_url.startswith("postgres"):
        pytest.skip("PostgreSQL settings")

    settings = [
        db.session.scalar(sa.text(f"SHOW {name}"))
        for name in ("statement_timeout", "idle_in_transaction_session_timeout")
    ]

    assert settings == ["30s", "1min"]
