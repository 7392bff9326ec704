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
import statistics
import sys
import tempfile
import threading
import time
import uuid
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import serving  # noqa: E402 (bench/serving.py, beside this script)

DATABASE = "doorstep_bench_push"
PORT = 5061
DEVICES, BATCHES, VISITS_PER_BATCH = 16, 5, 20  # 5 mutations a visit: batches of 100


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


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="doorstep-bench-push-"))
    env = serving.app_environment(DATABASE, workdir)
    server = None
    try:
        serving.recreate_database(DATABASE)
        devices = _seed(env)
        server = serving.start_gunicorn(env, PORT, workdir / "gunicorn.log")
        workers = len(serving.worker_memory_mib(server))
        print(f"gunicorn on PostgreSQL: {workers} workers x 2 threads, {os.cpu_count()} CPUs shared with the load")
        print(
            f"{DEVICES} tablets x {BATCHES} batches of {VISITS_PER_BATCH * 5} mutations "
            "(arrive, id_shown, 2 concerns, report per visit), all at once\n"
        )
        push_rounds(f"http://127.0.0.1:{PORT}", devices)
        print(
            f"\nmemory per worker after the run: {', '.join(f'{m:.0f} MiB' for m in serving.worker_memory_mib(server))}"
        )
        print("goal: at least 500 mutations/s, p95 per batch under 250 ms")
    finally:
        if server is not None:
            serving.stop(server)
        serving.drop_database(DATABASE)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
