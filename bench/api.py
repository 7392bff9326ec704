"""How fast the office API answers, in process, on the demo world (SQLite by default; DATABASE_URL for PostgreSQL).

Prints figures; asserts nothing. Run: `.venv/bin/python bench/api.py` (or `make bench`).
"""

import atexit
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade

from server import create_app, demo
from server.extensions import db
from server.models.base import utcnow


def _timed(call, n: int) -> list[float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = call()
        times.append(time.perf_counter() - start)
        assert response.status_code < 400, response.get_data(as_text=True)
    return times


def _report(name: str, times: list[float]) -> None:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[int(len(ms) * 0.95) - 1]
    rate = len(ms) / (sum(ms) / 1000)
    print(f"{name:44} n={len(ms):4}  median {statistics.median(ms):6.2f} ms  p95 {p95:6.2f} ms  {rate:7.0f} req/s")


def main() -> None:
    instance = tempfile.mkdtemp(prefix="doorstep-bench-")
    atexit.register(shutil.rmtree, instance, ignore_errors=True)
    os.environ.setdefault("INSTANCE_PATH", instance)
    app = create_app({"LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute", "LOGIN_LIMIT_PER_ADDRESS": "100000 per minute"})
    logging.getLogger("doorstep.request").setLevel(logging.WARNING)  # one line per request would drown the figures
    with app.app_context():
        upgrade()
        if not demo.is_seeded():
            demo.seed(utcnow())
            db.session.commit()
    client = app.test_client()
    print(f"database: {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}, production argon2 parameters")

    def login(email):
        return client.post("/api/v1/auth/login", json={"email": email, "password": demo.PASSWORD})

    _report("POST /auth/login (argon2id verify)", _timed(lambda: login("dan@anglia.example"), 30))
    operative = {"Authorization": f"Bearer {login('dan@anglia.example').json['access_token']}"}
    manager = {"Authorization": f"Bearer {login('manager@borders.example').json['access_token']}"}
    _report("GET /me (token + session check)", _timed(lambda: client.get("/api/v1/me", headers=operative), 500))
    _report("GET /visits as operative", _timed(lambda: client.get("/api/v1/visits", headers=operative), 500))
    _report(
        "GET /visits?per_page=100 as manager",
        _timed(lambda: client.get("/api/v1/visits?per_page=100", headers=manager), 500),
    )
    visit = client.get("/api/v1/visits", headers=manager).json["items"][0]["id"]
    _report(
        "GET /visits/<id> (with standards) as manager",
        _timed(lambda: client.get(f"/api/v1/visits/{visit}", headers=manager), 500),
    )


if __name__ == "__main__":
    main()
