"""How fast a tenant's badge check answers through the real WSGI server (gunicorn) on PostgreSQL.

Side by side in one run, on one server: `GET /v/<token>` (JSON: verify the Ed25519 signature, read the
badge, decide, log the scan) and the trivial `/healthz`, with `/readyz` (a `SELECT 1` and the sync lag) between them
for scale. Prints each one's throughput at full load
(wrk), their ratio (goal: verification at least half the trivial endpoint's), and verification
latency at a steady 200 requests/s (an open-loop generator: latency counts from when each request
was due, so a stall is not hidden). Prints figures; asserts nothing.

Run: `.venv/bin/python bench/verify.py` (PostgreSQL at BENCH_POSTGRES, by default
postgresql://postgres@127.0.0.1:5432; wrk from Debian's package `wrk`). It makes and drops its own
database.
"""

import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.client import HTTPConnection
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import serving  # noqa: E402 (bench/serving.py, beside this script)

DATABASE = "doorstep_bench_verify"
PORT = 5057
BADGES = 48
WRK_SECONDS, WRK_CONNECTIONS = 10, 16
STEADY_RATE, STEADY_SECONDS = 200, 20


def _seed(env: dict) -> list[str]:
    """Migrate, seed the demo, and issue more badges; return the paths of the genuine ones."""
    os.environ.update(env)
    from flask_migrate import upgrade

    from server import create_app, demo
    from server.extensions import db
    from server.models import Role, User
    from server.models.base import utcnow
    from server.services import badges

    app = create_app()
    with app.app_context():
        upgrade()
        demo.seed(utcnow())
        operatives = db.session.scalars(sa.select(User).where(User.role == Role.OPERATIVE)).all()
        for n in range(BADGES - len(operatives)):
            operative = operatives[n % len(operatives)]
            admin = db.session.scalar(
                sa.select(User).where(User.organisation_id == operative.organisation_id, User.role == Role.ADMIN)
            )
            badges.issue(operative.id, None, actor=admin, now=utcnow())
        db.session.commit()
        paths = [f"/v/{b.token}" for b in db.session.scalars(sa.select(badges.Badge))]
        db.engine.dispose()
    return paths


def _wrk(path_or_script: str, workdir: Path) -> tuple[float, str]:
    """(requests/s, p99) at full load for one path, or a Lua script choosing paths."""
    args = ["wrk", "-t2", f"-c{WRK_CONNECTIONS}", f"-d{WRK_SECONDS}s", "--latency", "-H", "Accept: application/json"]
    if path_or_script.endswith(".lua"):
        args += ["-s", path_or_script, f"http://127.0.0.1:{PORT}"]
    else:
        args += [f"http://127.0.0.1:{PORT}{path_or_script}"]
    out = subprocess.run(args, capture_output=True, text=True, check=True, cwd=workdir).stdout
    rate = float(next(line.split()[1] for line in out.splitlines() if line.startswith("Requests/sec:")))
    p99 = next(line.split()[1] for line in out.splitlines() if line.strip().startswith("99%"))
    errors = [line.strip() for line in out.splitlines() if "Non-2xx" in line or "Socket errors" in line]
    if errors:
        print("   wrk reported:", "; ".join(errors))
    return rate, p99


def _steady(paths: list[str]) -> tuple[list[float], int]:
    """Send STEADY_RATE requests a second for STEADY_SECONDS; latency from when each was due, in ms."""
    due: queue.Queue = queue.Queue()
    latencies, failures, lock = [], [0], threading.Lock()

    def worker():
        conn = HTTPConnection("127.0.0.1", PORT, timeout=10)
        while (item := due.get()) is not None:
            at, path = item
            time.sleep(max(0.0, at - time.perf_counter()))
            try:
                conn.request("GET", path, headers={"Accept": "application/json"})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                conn.close()
                conn, ok = HTTPConnection("127.0.0.1", PORT, timeout=10), False
            with lock:
                latencies.append((time.perf_counter() - at) * 1000)
                failures[0] += not ok
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(32)]
    for thread in threads:
        thread.start()
    start = time.perf_counter() + 0.5
    for n in range(STEADY_RATE * STEADY_SECONDS):
        due.put((start + n / STEADY_RATE, paths[n % len(paths)]))
    for _ in threads:
        due.put(None)
    for thread in threads:
        thread.join()
    return sorted(latencies), failures[0]


def _percentile(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(len(values) * p))]


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("bench/verify.py needs wrk: apt-get install -y wrk")
    workdir = Path(tempfile.mkdtemp(prefix="doorstep-bench-verify-"))
    env = serving.app_environment(DATABASE, workdir)
    server = None
    try:
        serving.recreate_database(DATABASE)
        paths = _seed(env)
        (workdir / "paths.lua").write_text(
            "local paths = {" + ",".join(f'"{p}"' for p in paths) + "}\n"
            "local n = 0\n"
            "request = function()\n  n = n + 1\n"
            '  return wrk.format("GET", paths[(n % #paths) + 1])\nend\n'
        )
        server = serving.start_gunicorn(env, PORT, workdir / "gunicorn.log")
        workers = len(serving.worker_memory_mib(server))
        print(f"gunicorn on PostgreSQL: {workers} workers x 2 threads, {os.cpu_count()} CPUs shared with the load")
        print(f"{len(paths)} badges checked round-robin; wrk: {WRK_CONNECTIONS} connections, {WRK_SECONDS} s each\n")

        _wrk("/healthz", workdir)  # warm both paths up
        _wrk(str(workdir / "paths.lua"), workdir)
        trivial, trivial_p99 = _wrk("/healthz", workdir)
        one_query, one_query_p99 = _wrk("/readyz", workdir)
        verify, verify_p99 = _wrk(str(workdir / "paths.lua"), workdir)
        print(f"{'GET /healthz (trivial)':32} {trivial:8.0f} req/s   p99 {trivial_p99:>8}")
        print(f"{'GET /readyz (2 reads)':32} {one_query:8.0f} req/s   p99 {one_query_p99:>8}")
        print(f"{'GET /v/<token> (verify, JSON)':32} {verify:8.0f} req/s   p99 {verify_p99:>8}")
        print(f"{'ratio verify / trivial':32} {verify / trivial:8.2f}   (goal: at least 0.50)\n")

        latencies, failures = _steady(paths)
        print(
            f"steady {STEADY_RATE} req/s for {STEADY_SECONDS} s, GET /v/<token>: n={len(latencies)}  "
            f"p50 {statistics.median(latencies):.1f} ms  p99 {_percentile(latencies, 0.99):.1f} ms  "
            f"max {latencies[-1]:.1f} ms  failures {failures}"
        )
    finally:
        if server is not None:
            serving.stop(server)
        serving.drop_database(DATABASE)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
