"""How fast the sync pull answers through the real WSGI server (gunicorn) on PostgreSQL.

1. A first sync of 50,000 records (about a third each visits, properties, households, all one
   operative's), every page pulled with gzip as a tablet would: records/s over HTTP + JSON.
2. An incremental pull of 100 changes with 10,000 and with 1,000,000 rows in the change log (the
   rest belonging to other operatives and already behind the cursor): the cost should not grow with
   the log; the ratio is printed.
3. Memory (RSS) per gunicorn worker afterwards.

Prints figures; asserts nothing. Run: `.venv/bin/python bench/sync.py` (PostgreSQL at
BENCH_POSTGRES, by default postgresql://postgres@127.0.0.1:5432). It makes and drops its own database.
"""

import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from datetime import timedelta
from http.client import HTTPConnection, RemoteDisconnected
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import serving  # noqa: E402 (bench/serving.py, beside this script)

DATABASE = "doorstep_pull_bench"
PORT = 5058
RECORDS = 50_000
PASSWORD = "bench-sync-password"
INCREMENTAL, REPEATS = 100, 7


def _seed(env: dict) -> dict:
    """Migrate and write one operative's world of RECORDS records; what the rest of the bench needs."""
    os.environ.update(env)
    from flask_migrate import upgrade

    from server import create_app
    from server.extensions import db, passwords
    from server.models import Household, Property, Role, Visit
    from server.models.base import utcnow
    from tests import factories

    app = create_app()
    with app.app_context():
        upgrade()
        landlord, contractor = factories.landlord(), factories.contractor()
        contract = factories.contract(landlord, contractor)
        operative = factories.user(
            contractor, Role.OPERATIVE, email="bench.operative@example.org", password_hash=passwords.hash(PASSWORD)
        )
        homes = RECORDS // 3
        start = utcnow().replace(microsecond=0) + timedelta(days=1)
        props = [
            dict(
                id=uuid.uuid4(),
                landlord_id=landlord.id,
                house=str(n),
                street="Mill Road",
                town="Ely",
                postcode="CB7 4AA",
            )
            for n in range(homes)
        ]
        db.session.execute(sa.insert(Property), props)
        db.session.execute(
            sa.insert(Household),
            [dict(id=uuid.uuid4(), property_id=p["id"], tenant_name=f"Tenant {n}") for n, p in enumerate(props)],
        )
        visits = [
            dict(
                id=uuid.uuid4(),
                contract_id=contract.id,
                property_id=p["id"],
                operative_id=operative.id,
                repair_reference=f"R-{n}",
                window_start=start + timedelta(minutes=n),
                window_end=start + timedelta(minutes=n, hours=2),
            )
            for n, p in enumerate(props)
        ]
        db.session.execute(sa.insert(Visit), visits)
        db.session.commit()
        world = {
            "operative_id": operative.id,
            "landlord_id": landlord.id,
            "contractor_id": contractor.id,
            "visit_ids": [v["id"] for v in visits],
        }
        db.engine.dispose()
    return world


def _fill_log(total: int, world: dict) -> None:
    """Grow the change log to `total` rows with other operatives' changes, committed."""
    engine = sa.create_engine(serving.url(DATABASE, driver=True))
    with engine.begin() as conn:
        have = conn.scalar(sa.text("SELECT count(*) FROM changes"))
        conn.execute(
            sa.text(
                "INSERT INTO changes (txid, entity, entity_id, op, version, landlord_id, contractor_id, operative_id, "
                "recorded_at) SELECT pg_current_xact_id()::text::bigint, 'visit', gen_random_uuid(), 'upsert', 1, "
                ":landlord, :contractor, gen_random_uuid(), now() FROM generate_series(1, :n)"
            ),
            {"landlord": world["landlord_id"], "contractor": world["contractor_id"], "n": max(total - have, 0)},
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE changes"))
        # The seeded records too, as autovacuum would on a live database: without statistics PostgreSQL
        # plans the snapshot's scope queries for empty tables, and a first sync spends half its time there.
        conn.execute(sa.text("ANALYZE visits, properties, households"))
    engine.dispose()


def _change_visits(world: dict, n: int) -> None:
    """`n` of the operative's visits change (their change rows, as the services write them), committed.

    Returns once the feed's watermark has passed them: another session on the server may hold it back a
    moment (the feed waits for it), and the bench measures the pull, not that wait.
    """
    engine = sa.create_engine(serving.url(DATABASE, driver=True))
    with engine.begin() as conn:
        txid = conn.scalar(sa.text("SELECT pg_current_xact_id()::text::bigint"))
        conn.execute(
            sa.text(
                "INSERT INTO changes (txid, entity, entity_id, op, version, landlord_id, contractor_id, operative_id, "
                "recorded_at) VALUES (pg_current_xact_id()::text::bigint, 'visit', :id, 'upsert', 1, :landlord, "
                ":contractor, :operative, now())"
            ),
            [
                {
                    "id": visit_id,
                    "landlord": world["landlord_id"],
                    "contractor": world["contractor_id"],
                    "operative": world["operative_id"],
                }
                for visit_id in world["visit_ids"][:n]
            ],
        )
    with engine.connect() as conn:
        xmin = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
        while conn.scalar(sa.text(xmin)) <= txid:
            conn.rollback()
            time.sleep(0.01)
    engine.dispose()


class Tablet:
    def __init__(self):
        self.conn = HTTPConnection("127.0.0.1", PORT, timeout=120)
        body = json.dumps({"email": "bench.operative@example.org", "password": PASSWORD}).encode()
        self.conn.request("POST", "/api/v1/auth/login", body, {"Content-Type": "application/json"})
        self.token = json.loads(self.conn.getresponse().read())["access_token"]
        self.cursor = None

    def pull(self, limit: int = 5000) -> tuple[dict, int]:
        """One page: (body, bytes on the wire)."""
        query = urllib.parse.urlencode({"cursor": self.cursor or "", "limit": limit})
        headers = {"Authorization": f"Bearer {self.token}", "Accept-Encoding": "gzip"}
        try:
            self.conn.request("GET", f"/api/v1/sync/changes?{query}", headers=headers)
            response = self.conn.getresponse()
        except (RemoteDisconnected, ConnectionError):  # gunicorn closed the idle keep-alive connection
            self.conn.close()
            self.conn = HTTPConnection("127.0.0.1", PORT, timeout=120)
            self.conn.request("GET", f"/api/v1/sync/changes?{query}", headers=headers)
            response = self.conn.getresponse()
        raw = response.read()
        if response.status != 200:
            raise SystemExit(f"pull answered {response.status}: {raw[:300]!r}")
        body = json.loads(gzip.decompress(raw) if response.getheader("Content-Encoding") == "gzip" else raw)
        self.cursor = body["cursor"]
        return body, len(raw)

    def sync(self) -> tuple[int, int, int]:
        """Pull until done: (changes, pages, bytes on the wire)."""
        changes = pages = wire = 0
        while True:
            body, size = self.pull()
            changes, pages, wire = changes + len(body["changes"]), pages + 1, wire + size
            if not body["has_more"]:
                return changes, pages, wire


def _incremental(tablet: Tablet, world: dict) -> float:
    """Median ms to pull INCREMENTAL fresh changes."""
    timings = []
    for _ in range(REPEATS):
        _change_visits(world, INCREMENTAL)
        began = time.perf_counter()
        changes, _, _ = tablet.sync()
        timings.append((time.perf_counter() - began) * 1000)
        if changes != INCREMENTAL:
            print(f"   (expected {INCREMENTAL} changes, got {changes})")
    return statistics.median(timings)


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="doorstep-bench-sync-"))
    env = serving.app_environment(DATABASE, workdir)
    server = None
    try:
        serving.recreate_database(DATABASE)
        began = time.perf_counter()
        world = _seed(env)
        _fill_log(10_000, world)
        print(f"seeded {RECORDS} records and 10,000 change rows in {time.perf_counter() - began:.1f} s")
        server = serving.start_gunicorn(env, PORT, workdir / "gunicorn.log")
        workers = len(subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split())
        print(f"gunicorn on PostgreSQL: {workers} workers x 2 threads, {os.cpu_count()} CPUs\n")

        Tablet().sync()  # warm up every worker's imports and caches a little
        tablet = Tablet()
        began = time.perf_counter()
        changes, pages, wire = tablet.sync()
        took = time.perf_counter() - began
        print(
            f"first sync: {changes} changes in {pages} pages, {took:.2f} s = {changes / took:,.0f} records/s "
            f"(goal: 50,000 in under 5 s), {wire / 1e6:.1f} MB gzipped on the wire"
        )

        small = _incremental(tablet, world)
        print(f"incremental pull of {INCREMENTAL} changes, 10k rows in the log: median {small:.1f} ms")
        began = time.perf_counter()
        _fill_log(1_000_000, world)
        print(f"   (log grown to 1,000,000 rows in {time.perf_counter() - began:.1f} s)")
        tablet.sync()  # the other operatives' rows are behind this tablet's cursor from here on
        large = _incremental(tablet, world)
        print(f"incremental pull of {INCREMENTAL} changes, 1M rows in the log: median {large:.1f} ms")
        print(f"ratio 1M / 10k: {large / small:.2f} (goal: about 1, cost does not grow with the log)\n")

        sizes = serving.worker_memory_mib(server)
        print(f"RSS per worker: {', '.join(f'{s:.0f} MB' for s in sizes)}")
    finally:
        if server is not None:
            serving.stop(server)
        serving.drop_database(DATABASE)


if __name__ == "__main__":
    main()
