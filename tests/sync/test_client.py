"""The reference offline client against a live server over real HTTP: nothing lost, nothing applied twice.

Faults are injected where a tablet meets them, in the line to the server: no signal at all, a
response lost after the server applied the request, a crash between saving and pushing.
"""

import urllib.request
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import Concern, Visit, VisitStatus
from server.models.base import utcnow
from server.models.sync_mutations import SyncMutation
from server.services import visits
from sync import cursor as cursors
from sync.client.connection import Connection, Offline, SessionExpired, _open
from sync.client.replica import Replica
from sync.client.tablet import Tablet
from tests import factories


class Line:
    """The tablet's signal: up, down, or dropping the answer to the next requests the server has handled."""

    def __init__(self):
        self.down = False
        self.lose_answers = 0  # to the next this many requests: the server handles them, the tablet never hears
        self.sent = []

    def send(self, request: urllib.request.Request, timeout: float):
        if self.down:
            raise OSError("no signal")
        answer = _open(request, timeout)
        self.sent.append((request.get_method(), request.full_url.split("?")[0].rsplit("/", 1)[-1], answer.status))
        if self.lose_answers:
            self.lose_answers -= 1
            raise ConnectionResetError("the answer was lost on the way back")
        return answer


@pytest.fixture
def line():
    return Line()


@pytest.fixture
def tablet_for(live_server, line, tmp_path):
    """A tablet (its replica a real SQLite file) for an operative, on the given line."""
    replicas = []

    def make(operative, path=None, password=factories.PASSWORD):
        replica = Replica(path or tmp_path / f"tablet-{len(replicas)}.sqlite3")
        replicas.append(replica)
        connection = Connection(
            live_server, operative.email, password, "tablet-7", attempts=3, send=line.send, sleep=lambda _: None
        )
        return Tablet(replica, connection)

    yield make
    for replica in replicas:
        replica.close()


@pytest.fixture
def day(world, now):
    """Side A's operative with four visits today, besides the world's one."""
    side = world.a
    booked = [side.visit]
    for hour in range(4):
        start = now.replace(microsecond=0) + timedelta(hours=hour)
        booked.append(
            factories.visit(
                side.contract,
                factories.home(side.landlord),
                side.operative,
                window_start=start,
                window_end=start + timedelta(hours=1),
            )
        )
    return booked


def _concerns_on(visit) -> list[Concern]:
    return db.session.scalars(sa.select(Concern).where(Concern.visit_id == visit.id)).all()


def _work_the_day_offline(tablet: Tablet, booked: list[Visit]) -> None:
    """What an operative records in a day with no signal: every visit arrived, ID shown, a concern, a report."""
    for visit in booked:
        tablet.record("visit", "arrive", visit.id, {})
        tablet.record("visit", "id_shown", visit.id, {})
        tablet.record(
            "concern",
            "raise",
            uuid.uuid4(),
            {"visit_id": str(visit.id), "category": "damp_mould", "severity": "routine", "description": "Mould"},
        )
        tablet.record("visit", "report", visit.id, {"answers": factories.answers_for(visit.property.household)})


def test_a_day_offline_then_one_sync_applies_everything_once(tablet_for, line, world, day):
    tablet = tablet_for(world.a.operative)
    tablet.sync()  # the morning's sync, in the depot
    assert set(tablet.replica.records("visit")) == {str(v.id) for v in day}
    line.down = True
    _work_the_day_offline(tablet, day)

    with pytest.raises(Offline):
        tablet.sync()  # no signal all day: nothing is lost by trying
    line.down = False
    report = tablet.sync()  # back at the depot

    assert report.pushed == {"applied": 4 * len(day)}
    for visit in day:
        db.session.refresh(visit)
        assert visit.status == VisitStatus.COMPLETED
        assert visit.id_shown_at is not None
        assert len(_concerns_on(visit)) == 1
        assert tablet.replica.record("visit", str(visit.id))["status"] == "completed"  # pulled back
    assert len(tablet.replica.records("concern")) == len(day)
    assert {m["status"] for m in tablet.replica.outbox()} == {"applied"}


def test_answers_lost_on_the_way_back_apply_nothing_twice(tablet_for, line, world, day):
    tablet = tablet_for(world.a.operative)
    _work_the_day_offline(tablet, day)
    tablet.connection.sign_in()
    line.lose_answers = 2  # the push is applied, and its answer lost, twice over

    report = tablet.sync()

    pushes = [status for method, path, status in line.sent if path == "push"]
    assert pushes == [200, 200, 200]  # the same batch three times: the last answer arrives
    assert report.pushed == {"duplicate": 4 * len(day)}  # the server had applied it the first time
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SyncMutation)) == 4 * len(day)
    for visit in day:
        assert len(_concerns_on(visit)) == 1


def test_a_crash_between_saving_and_pushing_loses_nothing(tablet_for, world, tmp_path):
    path = tmp_path / "crashing.sqlite3"
    before = tablet_for(world.a.operative, path)
    before.record("visit", "arrive", world.a.visit.id, {})
    before.replica.close()  # the app is killed here: saved, never pushed

    after = tablet_for(world.a.operative, path)  # restarted, on the same file
    report = after.sync()

    assert report.pushed == {"applied": 1}
    db.session.refresh(world.a.visit)
    assert world.a.visit.status == VisitStatus.IN_PROGRESS


def test_a_visit_reassigned_while_offline_leaves_the_tablet_with_its_household(tablet_for, line, world, now):
    tablet = tablet_for(world.a.operative)
    tablet.sync()
    household_id = str(world.a.home.household.id)
    assert tablet.replica.record("household", household_id) is not None
    line.down = True
    tablet.record("visit", "arrive", world.a.visit.id, {})  # too late: the office has given it to a colleague
    visits.reassign_visit(world.a.visit.id, world.a.other_operative.id, world.a.contractor_manager)
    db.session.flush()
    line.down = False

    report = tablet.sync()

    assert report.pushed == {"rejected": 1}
    assert tablet.replica.outbox()[0]["result"]["error"]["code"] == "not_found"
    assert str(world.a.visit.id) not in tablet.replica.records("visit")
    assert household_id not in tablet.replica.records("household")  # the household's details go with it


def test_a_rejected_mutation_never_blocks_the_ones_behind_it(tablet_for, world):
    tablet = tablet_for(world.a.operative)
    tablet.record("visit", "arrive", world.b.visit.id, {})  # another organisation's visit
    tablet.record("visit", "arrive", world.a.visit.id, {})

    report = tablet.sync()

    assert report.pushed == {"applied": 1, "rejected": 1}
    assert [m["status"] for m in tablet.replica.outbox()] == ["rejected", "applied"]
    assert tablet.sync().pushed == {}  # settled: never sent again


def test_a_stale_base_version_is_a_conflict_with_the_servers_copy(tablet_for, world):
    tablet = tablet_for(world.a.operative)
    tablet.sync()
    seen = tablet.replica.version("visit", str(world.a.visit.id))
    later = world.a.visit.window_start + timedelta(days=1)
    visits.reschedule_visit(
        world.a.visit.id, later, later + timedelta(hours=2), world.a.contractor_manager, now=utcnow()
    )
    db.session.flush()

    tablet.record("visit", "arrive", world.a.visit.id, {}, base_version=seen)
    tablet.sync()

    result = tablet.replica.outbox()[0]["result"]
    assert result["status"] == "conflict"
    assert result["record"]["version"] == seen + 1
    assert tablet.replica.version("visit", str(world.a.visit.id)) == seen + 1  # and the pull brought it


def test_a_cursor_past_the_horizon_starts_again_and_keeps_what_is_unsent(app, tablet_for, line, world):
    tablet = tablet_for(world.a.operative)
    tablet.sync()
    old = cursors.decode(tablet.replica.cursor)
    horizon = timedelta(days=app.config["SYNC_TOMBSTONE_DAYS"] + 1)
    tablet.replica.put("cursor", cursors.encode(old.moved(issued=old.issued - int(horizon.total_seconds()))))
    line.down = True
    tablet.record("visit", "arrive", world.a.visit.id, {})
    line.down = False

    report = tablet.sync()

    assert report.resynced
    assert report.pushed == {"applied": 1}
    assert tablet.replica.record("visit", str(world.a.visit.id))["status"] == "in_progress"
    assert ("GET", "changes", 410) in line.sent


def test_an_expired_session_keeps_the_outbox_until_the_operative_signs_in_again(tablet_for, world):
    tablet = tablet_for(world.a.operative, password=None)  # the tablet keeps no password
    tablet.record("visit", "arrive", world.a.visit.id, {})

    with pytest.raises(SessionExpired):
        tablet.sync()
    assert [m["status"] for m in tablet.replica.outbox()] == ["pending"]
    tablet.connection.sign_in(factories.PASSWORD)  # the operative types it in
    report = tablet.sync()

    assert report.pushed == {"applied": 1}


def test_the_servers_clock_is_learned_for_the_live_badge(tablet_for, world):
    tablet = tablet_for(world.a.operative)
    tablet.clock = lambda: utcnow() - timedelta(minutes=7)  # the tablet's clock is seven minutes slow

    tablet.sync()

    assert abs(int(tablet.replica.get("server_clock_offset_seconds")) - 420) <= 2
