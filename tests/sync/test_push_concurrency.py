"""Simultaneous pushes of the same batch (a tablet retrying while its first request still runs) apply it once.

On PostgreSQL only, on a database of its own (tests/databases.py) whose transactions commit for
real: the rolled-back test transaction would serialise the requests and prove nothing.
"""

import threading
import uuid
from collections import Counter

import pytest
import sqlalchemy as sa
from flask_jwt_extended import create_access_token
from flask_migrate import upgrade

from server import create_app
from server.extensions import db
from server.models import Concern, DeviceSession, Visit, VisitReport, VisitStatus
from server.models.base import utcnow
from server.models.sync_mutations import SyncMutation
from tests import factories
from tests.databases import own_database

PUSHES = 4  # requests with the same batch at the same moment
VISITS = 3


@pytest.fixture(scope="module")
def committing_app(app, database_url):
    """An app on a database of its own, migrated from empty; every request commits for real."""
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent writers need PostgreSQL (SQLite has one writer)")
    with own_database(database_url, "push_concurrency") as url:
        own = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "LOG_JSON": False})
        with own.app_context():
            upgrade()
        yield own
        with own.app_context():
            db.engine.dispose()


@pytest.fixture
def day_at_the_door(committing_app):
    """An operative with three visits and the token of their tablet, committed; and the batch it pushes."""
    with committing_app.app_context():
        side = factories.Side.build()
        extra = [factories.visit(side.contract, factories.home(side.landlord), side.operative) for _ in range(2)]
        visit_ids = [side.visit.id] + [v.id for v in extra]
        session = DeviceSession(id=uuid.uuid4(), user_id=side.operative.id, device_id="tablet-9", refresh_jti="-")
        db.session.add(session)
        token = create_access_token(str(side.operative.id), additional_claims={"sid": str(session.id)})
        db.session.commit()
    batch = []
    for visit_id in visit_ids:
        for op, data in [("arrive", {}), ("id_shown", {}), ("report", {"answers": factories.answers_for()})]:
            batch.append(_mutation("visit", op, visit_id, data))
        for n in range(2):
            concern = {"visit_id": str(visit_id), "category": "damp_mould", "severity": "routine"}
            batch.insert(-1, _mutation("concern", "raise", uuid.uuid4(), concern | {"description": f"Mould {n}"}))
    return visit_ids, {"Authorization": f"Bearer {token}"}, batch


def _mutation(entity, op, record_id, data) -> dict:
    return {
        "mutation_id": str(uuid.uuid4()),
        "entity": entity,
        "op": op,
        "id": str(record_id),
        "base_version": None,
        "data": data,
        "device_time": utcnow().isoformat(),
    }


def test_the_same_batch_pushed_at_once_is_applied_once(committing_app, day_at_the_door):
    visit_ids, headers, batch = day_at_the_door
    start = threading.Barrier(PUSHES)
    answers = [None] * PUSHES

    def push(n: int) -> None:
        client = committing_app.test_client()
        start.wait()
        response = client.post("/api/v1/sync/push", json={"device_id": "tablet-9", "mutations": batch}, headers=headers)
        answers[n] = (response.status_code, response.json)

    threads = [threading.Thread(target=push, args=(n,)) for n in range(PUSHES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert [status for status, _ in answers] == [200] * PUSHES, answers
    for position, pushed in enumerate(batch):
        results = [body["results"][position] for _, body in answers]
        assert Counter(r["status"] for r in results) == {"applied": 1, "duplicate": PUSHES - 1}, pushed
        applied = next(r for r in results if r["status"] == "applied")
        assert all({**r, "status": "applied"} == applied for r in results)
    with committing_app.app_context():
        visits = db.session.scalars(sa.select(Visit).where(Visit.id.in_(visit_ids))).all()
        assert {(v.status, v.version) for v in visits} == {(VisitStatus.COMPLETED, 4)}
        assert _count(Concern.visit_id, visit_ids) == 2 * VISITS
        assert _count(VisitReport.visit_id, visit_ids) == VISITS
        assert _count(SyncMutation.mutation_id, [uuid.UUID(m["mutation_id"]) for m in batch]) == len(batch)


def _count(column, ids) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(column.in_(ids)))
