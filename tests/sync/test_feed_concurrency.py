"""On PostgreSQL, many writers committing out of order while a tablet pulls: every change arrives, once.

A sequence id is taken at insert but becomes visible at commit, so a feed that pulls `id > last`
skips a row whose transaction commits after a later one was pulled. These tests commit for real, on
a database of their own (made and dropped here), and show the naive cursor losing a row while ours
delivers all.
"""

import random
import threading
import time
import uuid
from collections import Counter

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from server import create_app
from server.extensions import db
from server.models import Change, Role, User
from server.models.base import utcnow
from server.models.changes import Scope
from sync import feed, record
from tests import factories
from tests.databases import own_database

WRITERS, TRANSACTIONS_EACH = 16, 12


@pytest.fixture(scope="module")
def committing_app(database_url):
    """An app on a database of its own, migrated, whose sessions commit for real; dropped afterwards."""
    if not database_url.startswith("postgres"):
        pytest.skip("commit order only differs from insert order on PostgreSQL")
    with own_database(database_url, "feed_concurrency") as url:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "LOG_JSON": False})
        with app.app_context():
            upgrade()
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def field(committing_app):
    """A committed contract and operative: (operative id, the scope their visits' changes carry)."""
    with committing_app.app_context():
        landlord, contractor = factories.landlord(), factories.contractor()
        factories.contract(landlord, contractor)
        operative = factories.user(contractor, Role.OPERATIVE)
        scope = Scope(landlord.id, contractor.id, operative.id)
        db.session.commit()
        yield operative.id, scope
        db.session.rollback()


def _write(app, scope: Scope, hold: float) -> uuid.UUID:
    """One transaction recording one visit change, held open `hold` seconds before it commits."""
    visit_id = uuid.uuid4()
    with app.app_context():
        record("visit", visit_id, 1, [scope])
        db.session.flush()
        time.sleep(hold)
        db.session.commit()
    return visit_id


class Puller:
    """A tablet pulling the feed in a loop, each pull its own transaction; counts every change it hears."""

    def __init__(self, app, operative_id: uuid.UUID):
        self.app, self.operative_id = app, operative_id
        self.heard: Counter = Counter()
        self.cursor = None

    def pull_once(self) -> bool:
        with self.app.app_context():
            operative = db.session.get(User, self.operative_id)
            page = feed.pull(operative, self.cursor, 7, utcnow())
            db.session.rollback()
        self.heard.update(c["id"] for c in page.changes if c["entity"] == "visit")
        self.cursor = page.cursor
        return page.has_more


def test_every_change_committed_by_concurrent_writers_reaches_the_tablet_exactly_once(committing_app, field):
    operative_id, scope = field
    puller = Puller(committing_app, operative_id)
    while puller.pull_once():  # the first sync: nothing yet
        pass
    committed, lock = set(), threading.Lock()
    rng = random.Random(6)  # noqa: S311 (timings, not secrets; seeded so a failure can be replayed)
    holds = [[rng.choice([0, 0.005, 0.02, 0.05, 0.4]) for _ in range(TRANSACTIONS_EACH)] for _ in range(WRITERS)]

    def writer(plan):
        for hold in plan:
            visit_id = _write(committing_app, scope, hold)
            with lock:
                committed.add(str(visit_id))

    threads = [threading.Thread(target=writer, args=(plan,)) for plan in holds]
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        puller.pull_once()
    for thread in threads:
        thread.join()
    deadline = time.monotonic() + 120  # another session on the server may hold the watermark back a while
    while set(puller.heard) != committed and time.monotonic() < deadline:
        if not puller.pull_once():
            time.sleep(0.05)

    assert len(committed) == WRITERS * TRANSACTIONS_EACH
    assert set(puller.heard) == committed
    assert set(puller.heard.values()) == {1}  # none twice


# One interleaving, forced with two connections: A inserts first, B inserts and commits, a pull, then A commits.


def _begin_and_insert(app, scope: Scope):
    """An open transaction on a connection of its own that has inserted one change row: (connection, visit id)."""
    with app.app_context():
        engine = db.engine
        connection = engine.connect()
        visit_id = uuid.uuid4()
        txid = connection.scalar(sa.text("SELECT pg_current_xact_id()::text::bigint"))
        connection.execute(
            sa.insert(Change).values(
                txid=txid,
                entity="visit",
                entity_id=visit_id,
                op="upsert",
                version=1,
                landlord_id=scope.landlord_id,
                contractor_id=scope.contractor_id,
                operative_id=scope.operative_id,
                recorded_at=utcnow(),
            )
        )
    return connection, visit_id


def _naive_pull(app, scope: Scope, last: int) -> tuple[list[uuid.UUID], int]:
    """The well-known way that loses rows: the next rows by id after the last one seen."""
    with app.app_context(), db.engine.connect() as connection:
        rows = connection.execute(
            sa.select(Change.id, Change.entity_id)
            .where(Change.operative_id == scope.operative_id, Change.id > last)
            .order_by(Change.id)
        ).all()
    return [r.entity_id for r in rows], max([last, *(r.id for r in rows)])


def _late_commit(app, scope: Scope, pull):
    """Run the interleaving, pulling with `pull` after B's commit and after A's: the ids, what each pull heard."""
    a, a_visit = _begin_and_insert(app, scope)  # takes the lower id, commits last
    b, b_visit = _begin_and_insert(app, scope)
    b.commit()
    b.close()
    first = pull()
    a.commit()
    a.close()
    return a_visit, b_visit, first, pull()


def test_a_naive_id_cursor_loses_the_row_whose_transaction_commits_late(committing_app, field):
    _, scope = field
    with committing_app.app_context():
        last = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Change.id), 0)))
        db.session.rollback()
    position = {"last": last}

    def pull():
        heard, position["last"] = _naive_pull(committing_app, scope, position["last"])
        return heard

    a_visit, b_visit, first, then = _late_commit(committing_app, scope, pull)

    assert first == [b_visit]
    # A committed, and is never delivered: the naive cursor had moved past its id.
    assert a_visit not in then and then == []


def test_our_cursor_delivers_the_row_whose_transaction_commits_late(committing_app, field):
    operative_id, scope = field
    puller = Puller(committing_app, operative_id)
    while puller.pull_once():
        pass

    def pull(until: int = 0):
        """Pull until `until` new changes arrived (another session on the server may hold the watermark a while)."""
        before, deadline = Counter(puller.heard), time.monotonic() + 60
        while puller.pull_once() or (sum((puller.heard - before).values()) < until and time.monotonic() < deadline):
            time.sleep(0.01)
        return [uuid.UUID(i) for i in puller.heard - before]

    pulls = iter([pull, lambda: pull(until=2)])
    a_visit, b_visit, first, then = _late_commit(committing_app, scope, lambda: next(pulls)())

    assert first == []  # B waits behind A, still open: delayed, not lost
    assert sorted(then) == sorted([a_visit, b_visit])
    assert set(puller.heard.values()) == {1}
