"""How soon the managers hear of a safeguarding concern: from the operative's POST to every email caught by SMTP.

Everything real, as in production: gunicorn serving the app on PostgreSQL (a database of its own), the outbox's
worker (`flask deliver`, a process of its own, woken by NOTIFY when a message commits), and the
development catch-all SMTP server (server/dev_mail.py) on a free port. The demo is seeded; an operative
raises BENCH_CONCERNS safeguarding concerns, one at a time at random moments, and for each the time until the
last of the contract's contacts' emails is caught is measured. Prints figures; asserts nothing.
Run: `.venv/bin/python bench/alerts.py`.
"""

import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import serving  # noqa: E402 (bench/serving.py, beside this script)

from server import dev_mail  # noqa: E402

DATABASE = "bench_alerts"
PORT = 5063
CONCERNS = int(os.environ.get("BENCH_CONCERNS", 10))
OPERATIVE = "callum@borders.example"
# Berwickshire's repairs name no contacts, so each side's managers and admins are told: two on each side.
CONTACTS = 4


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _call(method: str, path: str, body: dict | None = None, token: str | None = None) -> dict:
    conn = HTTPConnection("127.0.0.1", PORT, timeout=10)
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    conn.request(method, path, json.dumps(body) if body is not None else None, headers)
    answer = conn.getresponse()
    data = json.loads(answer.read() or b"{}")
    if answer.status >= 400:
        raise SystemExit(f"{method} {path}: {answer.status} {data}")
    return data


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bench-alerts-"))
    mail_port = _free_port()
    env = serving.app_environment(DATABASE, workdir) | {"SMTP_URL": f"smtp://127.0.0.1:{mail_port}"}
    full_env = {**os.environ, **env}
    serving.recreate_database(DATABASE)
    flask = [str(serving.ROOT / ".venv/bin/flask"), "--app", "wsgi"]
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([*flask, *command], cwd=serving.ROOT, env=full_env, check=True, capture_output=True)
    sink = dev_mail.start(workdir / "mail", port=mail_port)
    server = serving.start_gunicorn(env, PORT, workdir / "gunicorn.log")
    worker = subprocess.Popen(
        [*flask, "deliver"], cwd=serving.ROOT, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        time.sleep(3)  # the worker's first pass sends what seeding queued, before anything is timed
        token = _call("POST", "/api/v1/auth/login", {"email": OPERATIVE, "password": "doorstep-demo"})["access_token"]
        visits = _call("GET", "/api/v1/visits?per_page=100", token=token)["items"]
        visit = next(v for v in visits if v["status"] == "scheduled")
        latencies = []
        for n in range(CONCERNS):
            time.sleep(random.uniform(0, 2))  # concerns come at any moment of the worker's polling cycle
            before = len(sink.handler.messages())
            body = {"category": "safeguarding", "severity": "significant", "description": f"Bench concern {n}"}
            started = time.perf_counter()
            _call("POST", f"/api/v1/visits/{visit['id']}/concerns", body, token)
            raised = time.perf_counter()
            while len(sink.handler.messages()) - before < CONTACTS:
                if time.perf_counter() - started > 60:
                    raise SystemExit("not every email within 60 s: is the worker running?")
                time.sleep(0.02)
            latencies.append((raised - started, time.perf_counter() - started))
        posts = sorted(p for p, _ in latencies)
        totals = sorted(t for _, t in latencies)
        print(f"{CONCERNS} safeguarding concerns, {CONTACTS} emails each (the contract's contacts on both sides)")
        print(f"  POST answered: median {statistics.median(posts) * 1000:.0f} ms, max {posts[-1] * 1000:.0f} ms")
        print(
            f"  all emails caught: median {statistics.median(totals):.2f} s, max {totals[-1]:.2f} s "
            "(the worker woken by PostgreSQL's NOTIFY at commit)"
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        serving.stop(server)
        sink.stop()
        serving.drop_database(DATABASE)


if __name__ == "__main__":
    main()
