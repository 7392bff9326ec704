"""How fast the managers' standards report and CSV exports answer on a year of one busy contract, in process.

Seeds BENCH_VISITS visits (20,000 by default) over the last year on a new contract: most completed with
their checklist, some no access, missed or cancelled, a concern on one visit in twenty. SQLite by default;
DATABASE_URL for PostgreSQL (each run adds a new landlord and contractor, so a shared database is not
disturbed). Prints figures; asserts nothing. Run: `.venv/bin/python bench/reports.py` (or `make bench`).

The year's report is meant to answer within a second for 50,000 visits on PostgreSQL
(`BENCH_VISITS=50000 DATABASE_URL=postgresql://...`). Its line also says how long its statements took to
execute: on PostgreSQL the database's share, the rest being Python (SQLite hands rows over as they are
read, so there it is less). Most of PostgreSQL's share is parsing each report's checklist answers (JSON).
"""

import atexit
import logging
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa
from flask_migrate import upgrade

from server import create_app
from server.demo import example_answers
from server.extensions import db, passwords
from server.models import (
    ChecklistTemplate,
    Concern,
    ConcernCategory,
    Contract,
    NoAccessAttempt,
    Organisation,
    OrganisationKind,
    Property,
    Role,
    Severity,
    User,
    Visit,
    VisitReport,
    VisitStatus,
)
from server.models.base import utcnow
from server.schemas.standards import validated_standards
from server.services.checklists import DEFAULT_ITEMS, validated_items

PASSWORD = "bench-reports-password"
SATISFACTION = ["very_satisfied", "satisfied", "neither", "dissatisfied", None]


def _flush(visits: list, dependents: list) -> None:
    db.session.add_all(visits)
    db.session.flush()
    db.session.add_all(dependents)
    db.session.flush()
    db.session.expunge_all()  # keeps the session small; nothing below reads them back


def _seed(visits: int) -> str:
    """One landlord's contract with a year of visits; returns the manager's email."""
    run = secrets.token_hex(4)
    now = utcnow().replace(microsecond=0)
    landlord = Organisation(kind=OrganisationKind.LANDLORD, name=f"Bench Homes {run}")
    contractor = Organisation(kind=OrganisationKind.CONTRACTOR, name=f"Bench Repairs {run}")
    db.session.add_all([landlord, contractor])
    db.session.flush()
    contract = Contract(
        landlord_id=landlord.id,
        contractor_id=contractor.id,
        reference=f"BENCH-{run}",
        name="Responsive repairs",
        standards=validated_standards({}),
    )
    db.session.add(contract)
    db.session.flush()
    template = ChecklistTemplate(contract_id=contract.id, version=1, items=validated_items(DEFAULT_ITEMS))
    manager = User(
        organisation_id=landlord.id,
        role=Role.MANAGER,
        email=f"manager-{run}@bench.example",
        name="Bench Manager",
        password_hash=passwords.hash(PASSWORD),
    )
    operatives = [
        User(
            organisation_id=contractor.id,
            role=Role.OPERATIVE,
            email=f"op{n}-{run}@bench.example",
            name=f"Operative {n}",
            password_hash=manager.password_hash,
        )
        for n in range(20)
    ]
    homes = [
        Property(landlord_id=landlord.id, house=str(n), street="Bench Street", town="Bury", postcode="IP33 1AA")
        for n in range(2000)
    ]
    db.session.add_all([template, manager, *operatives, *homes])
    db.session.flush()
    email = manager.email
    rng = random.Random(7)
    batch, dependents = [], []  # the visits first: nothing tells the flush the others point at them
    for n in range(visits):
        start = now - timedelta(days=365) + timedelta(minutes=rng.randrange(365 * 24 * 60))
        roll = rng.random()
        status = (
            VisitStatus.COMPLETED
            if roll < 0.82
            else VisitStatus.NO_ACCESS
            if roll < 0.9
            else VisitStatus.MISSED
            if roll < 0.94
            else VisitStatus.CANCELLED
        )
        operative = rng.choice(operatives)
        visit = Visit(
            id=uuid.uuid4(),
            contract_id=contract.id,
            property_id=rng.choice(homes).id,
            operative_id=operative.id,
            repair_reference=f"B{run}-{n // 2}",  # two visits a repair, some of them missed
            window_start=start,
            window_end=start + timedelta(hours=2),
            status=status,
        )
        batch.append(visit)
        if status == VisitStatus.COMPLETED:
            visit.arrived_at = start + timedelta(minutes=rng.randrange(-15, 150))
            visit.id_shown_at = visit.arrived_at if rng.random() < 0.97 else None
            visit.departed_at = visit.arrived_at + timedelta(hours=1)
            answers = {**example_answers(), "cleaned_up": rng.random() < 0.95}
            if (satisfaction := rng.choice(SATISFACTION)) is not None:
                answers["satisfaction"] = satisfaction
            dependents.append(
                VisitReport(visit_id=visit.id, template_id=template.id, answers=answers, submitted_by=operative.id)
            )
            if rng.random() < 0.05:
                raised = visit.departed_at
                dependents.append(
                    Concern(
                        visit_id=visit.id,
                        category=rng.choice(list(ConcernCategory)),
                        severity=rng.choice(list(Severity)),
                        description="Seen at the visit",
                        raised_by=operative.id,
                        raised_at=raised,
                        due_at=raised + timedelta(days=rng.randrange(1, 15)),
                        acknowledged_at=raised + timedelta(days=rng.randrange(0, 20)) if rng.random() < 0.8 else None,
                    )
                )
        elif status == VisitStatus.NO_ACCESS:
            dependents.append(
                NoAccessAttempt(
                    visit_id=visit.id,
                    recorded_by=operative.id,
                    attempted_at=start + timedelta(minutes=20),
                    waited_minutes=rng.choice([5, 10, 15]),
                    required_wait_minutes=10,
                    card_left=rng.random() < 0.9,
                    card_serial=secrets.token_hex(8),
                )
            )
        elif status == VisitStatus.MISSED:
            visit.missed_at = start + timedelta(hours=3)
        if len(batch) >= 2000:
            _flush(batch, dependents)
            batch, dependents = [], []
    _flush(batch, dependents)
    db.session.commit()
    # A live database has its planner statistics (autovacuum); freshly seeded tables would mislead the planner.
    with db.engine.connect() as connection:
        connection.execute(sa.text("ANALYZE"))
        connection.commit()
    return email


def _timed(call, n: int) -> list[float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = call()
        body = response.get_data()  # a streamed CSV is read to its end
        times.append(time.perf_counter() - start)
        assert response.status_code < 400, body[:500]
    return times


def _in_database(engine: sa.Engine, call) -> tuple[float, int]:
    """How long `call`'s statements took to execute (seconds), and how many there were."""
    spent = []

    def started(_conn, _cursor, _statement, _parameters, context, _many):
        context.bench_started = time.perf_counter()

    def finished(_conn, _cursor, _statement, _parameters, context, _many):
        spent.append(time.perf_counter() - context.bench_started)

    sa.event.listen(engine, "before_cursor_execute", started)
    sa.event.listen(engine, "after_cursor_execute", finished)
    try:
        call()
    finally:
        sa.event.remove(engine, "before_cursor_execute", started)
        sa.event.remove(engine, "after_cursor_execute", finished)
    return sum(spent), len(spent)


def _report(name: str, times: list[float], extra: str = "") -> None:
    ms = sorted(t * 1000 for t in times)
    print(f"{name:52} n={len(ms):3}  median {statistics.median(ms):8.1f} ms  max {ms[-1]:8.1f} ms  {extra}")


def main() -> None:
    visits = int(os.environ.get("BENCH_VISITS", "20000"))
    instance = tempfile.mkdtemp(prefix="doorstep-bench-")
    atexit.register(shutil.rmtree, instance, ignore_errors=True)
    os.environ.setdefault("INSTANCE_PATH", instance)
    app = create_app({"LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute", "LOGIN_LIMIT_PER_ADDRESS": "100000 per minute"})
    logging.getLogger("doorstep.request").setLevel(logging.WARNING)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        email = _seed(visits)
        print(f"database: {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}")
        print(f"seeded {visits} visits over a year in {time.perf_counter() - started:.1f} s")
    client = app.test_client()
    token = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD}).json["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    year = {"from": (utcnow() - timedelta(days=366)).date().isoformat()}

    def get(path, query=None):
        return client.get(path, query_string=query or {}, headers=headers)

    _report("GET /reports/standards (last 28 days)", _timed(lambda: get("/api/v1/reports/standards"), 10))
    with app.app_context():
        in_database, statements = _in_database(db.engine, lambda: get("/api/v1/reports/standards", year))
    _report(
        f"GET /reports/standards (a year, {visits} visits)",
        _timed(lambda: get("/api/v1/reports/standards", year), 5),
        f"database {in_database * 1000:.0f} ms in {statements} statements (one run)",
    )
    size = len(get("/api/v1/exports/visits.csv", year).get_data())
    _report(
        "GET /exports/visits.csv (a year, streamed)",
        _timed(lambda: get("/api/v1/exports/visits.csv", year), 3),
        f"{size / 1e6:.1f} MB",
    )
    _report(
        "GET /exports/concerns.csv (a year, streamed)", _timed(lambda: get("/api/v1/exports/concerns.csv", year), 3)
    )


if __name__ == "__main__":
    main()
