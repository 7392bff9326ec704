"""Push throughput through the real WSGI server (gunicorn) on PostgreSQL: 16 tablets sending batches of 100.

Each tablet's batches are a day at the door for 20 visits: arrive, ID shown, two concerns and the
checklist report (100 mutations). All 16 tablets push at once, each its batches one after another,
as after a day without signal; then every tablet sends the same batches again, as after lost answers
(all `duplicate`). Prints mutations/s, latency per batch (p50, p95, max) for both rounds, and each
gunicorn worker's memory. Goal (issue 6): at least 500 mutations/s, p95 under 250 ms. Asserts nothing.

Run: `.venv/bin/python bench/sync_push.py` (PostgreSQL at BENCH_POSTGRES, by default
postgresql://postgres@127.0.0.1:5432). It uses (and empties) its own database, doorstep_push.
`push_rounds(base_url, devices)` is the measurement alone, for a bench that starts its own server.
"""

import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
DATABASE = "doorstep_push"
PORT = 5061
DEVICES, BATCHES, VISITS_PER_BATCH = 16, 5, 20  # 5 mutations a visit: batches of 100


def _empty_database() -> None:
    """Make the database if need be, and empty it (its tests reset the same schema, so it is left in place)."""
    engine = sa.create_engine(SERVER.replace("postgresql://", "postgresql+psycopg://", 1) + "/postgres")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": DATABASE}) is None:
            conn.execute(sa.text(f"CREATE DATABASE {DATABASE}"))
    engine.dispose()
    engine = sa.create_engine(SERVER.replace("postgresql://", "postgresql+psycopg://", 1) + f"/{DATABASE}")
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def _mutation(entity: str, op: str, record_id, data: dict, device_time: str) -> dict:
    return {
        "mutation_id": str(uuid.uuid4()),
        "entity": entity,
        "op": op,
        "id": str(record_id),
        "base_version": 1 if entity == "visit" else None,
        "data": data,
        "device_time": device_time,
    }


def _day_at_the_door(visit_id, answers: dict, device_time: str) -> list[dict]:
    concern = {"visit_id": str(visit_id), "category": "damp_mould", "severity": "routine"}
    return [
        _mutation("visit", "arrive", visit_id, {}, device_time),
        _mutation("visit", "id_shown", visit_id, {}, device_time),
        _mutation("concern", "raise", uuid.uuid4(), concern | {"description": "Mould in the bathroom"}, device_time),
        _mutation("concern", "raise", uuid.uuid4(), concern | {"description": "Mould in the bedroom"}, device_time),
        _mutation("visit", "report", visit_id, {"answers": answers}, device_time),
    ]


def _seed(env: dict) -> list[tuple[dict, list[list[dict]]]]:
    """Migrate; make the tablets' operatives and visits; return each tablet's headers and batches."""
    os.environ.update(env)
    from flask_jwt_extended import create_access_token
    from flask_migrate import upgrade

    from server import create_app
    from server.extensions import db
    from server.models import DeviceSession, Role
    from server.models.base import utcnow
    from tests import factories

    app = create_app()
    devices = []
    with app.app_context():
        upgrade()
        landlord, contractor = factories.landlord(), factories.contractor()
        contract = factories.contract(landlord, contractor)
        device_time = utcnow().isoformat()
        for n in range(DEVICES):
            operative = factories.user(contractor, Role.OPERATIVE)
            session = DeviceSession(id=uuid.uuid4(), user_id=operative.id, device_id=f"tablet-{n}", refresh_jti="-")
            db.session.add(session)
            token = create_access_token(str(operative.id), additional_claims={"sid": str(session.id)})
            batches = []
            for _ in range(BATCHES):
                batch = []
                for _ in range(VISITS_PER_BATCH):
                    visit = factories.visit(contract, factories.home(landlord), operative)
                    batch += _day_at_the_door(visit.id, factories.answers_for(), device_time)
                batches.append(batch)
            devices.append(({"Authorization": f"Bearer {token}", "Content-Type": "application/json"}, batches))
        db.session.commit()
        db.engine.dispose()
    return devices


def _start_server(env: dict, log: Path) -> subprocess.Popen:
    # Another bench's server on the port would answer in this one's place, and be measured instead.
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", PORT)) == 0:
            raise SystemExit(f"port {PORT} is in use by another server; run again when it is free")
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env={**os.environ, **env, "BIND": f"127.0.0.1:{PORT}", "LOG_LEVEL": "warning"},
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
        start_new_session=True,
    )
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/readyz", timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not start; see {log}")


def _push_all(base_url: str, devices) -> tuple[float, list[float], dict]:
    """Every tablet pushes its batches at once; (seconds, latency per batch in ms, count per result status)."""
    address = urlsplit(base_url)
    start_line = threading.Barrier(len(devices) + 1)
    latencies, statuses, lock = [], {}, threading.Lock()

    def tablet(headers: dict, batches: list[list[dict]], n: int) -> None:
        conn = HTTPConnection(address.hostname, address.port, timeout=60)
        start_line.wait()
        for batch in batches:
            body = json.dumps({"device_id": f"tablet-{n}", "mutations": batch})
            began = time.perf_counter()
            conn.request("POST", "/api/v1/sync/push", body=body, headers=headers)
            response = conn.getresponse()
            answer = response.read()
            took = (time.perf_counter() - began) * 1000
            counted = [r["status"] for r in json.loads(answer)["results"]] if response.status == 200 else ["http error"]
            with lock:
                latencies.append(took)
                for status in counted:
                    statuses[status] = statuses.get(status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=tablet, args=(h, b, n)) for n, (h, b) in enumerate(devices)]
    for thread in threads:
        thread.start()
    start_line.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, sorted(latencies), statuses


def _report(label: str, seconds: float, latencies: list[float], statuses: dict) -> None:
    mutations = sum(statuses.values())
    p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
    print(
        f"{label:28} {mutations / seconds:7.0f} mutations/s   per batch: p50 {statistics.median(latencies):6.0f} ms"
        f"  p95 {p95:6.0f} ms  max {latencies[-1]:6.0f} ms   {statuses}"
    )


def push_rounds(base_url: str, devices) -> None:
    """Print the first push of every batch, then the same batches again (all duplicates)."""
    _report("first push (applied)", *_push_all(base_url, devices))
    _report("same batches again", *_push_all(base_url, devices))


def _worker_memory(server: subprocess.Popen) -> list[int]:
    """Resident memory of each gunicorn worker, in MiB."""
    pids = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
    sizes = []
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))) // 1024)
    return sizes


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="doorstep-bench-push-"))
    env = {
        "DATABASE_URL": f"{SERVER}/{DATABASE}",
        "INSTANCE_PATH": str(workdir / "instance"),  # the seeder and the server share its secrets
        "RATELIMIT_ENABLED": "0",  # every request comes from one address
        "LOG_JSON": "1",
    }
    server = None
    try:
        _empty_database()
        devices = _seed(env)
        server = _start_server(env, workdir / "gunicorn.log")
        workers = len(_worker_memory(server))
        print(f"gunicorn on PostgreSQL: {workers} workers x 2 threads, {os.cpu_count()} CPUs shared with the load")
        print(
            f"{DEVICES} tablets x {BATCHES} batches of {VISITS_PER_BATCH * 5} mutations "
            "(arrive, id_shown, 2 concerns, report per visit), all at once\n"
        )
        push_rounds(f"http://127.0.0.1:{PORT}", devices)
        print(f"\nmemory per worker after the run: {', '.join(f'{m} MiB' for m in _worker_memory(server))}")
        print("goal: at least 500 mutations/s, p95 per batch under 250 ms")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        _empty_database()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
