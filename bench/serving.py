"""What the benchmarks that go through the real WSGI server share: a PostgreSQL database of their
own, gunicorn started on a port of their own (never another bench's server answering in its place),
and the memory of its workers.

PostgreSQL is at BENCH_POSTGRES, by default postgresql://postgres@127.0.0.1:5432.
"""

import os
import signal
import socket
import subprocess
import time
from http.client import HTTPConnection
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")


def url(database: str, driver: bool = False) -> str:
    """The database's URL: as the app takes it, or with SQLAlchemy's psycopg driver named."""
    base = SERVER.replace("postgresql://", "postgresql+psycopg://", 1) if driver else SERVER
    return f"{base}/{database}"


def app_environment(database: str, workdir: Path) -> dict:
    """What the seeder and the server both run with: the bench's database and instance, no rate limits."""
    return {
        "DATABASE_URL": url(database),
        "INSTANCE_PATH": str(workdir / "instance"),  # the seeder and the server share its secrets
        "RATELIMIT_ENABLED": "0",  # every request comes from one address
        "LOG_JSON": "1",
    }


def _admin(sql: str) -> None:
    engine = sa.create_engine(url("postgres", driver=True))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text(sql))
    engine.dispose()


def recreate_database(database: str) -> None:
    drop_database(database)
    _admin(f"CREATE DATABASE {database}")


def drop_database(database: str) -> None:
    _admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def start_gunicorn(env: dict, port: int, log: Path) -> subprocess.Popen:
    """gunicorn (gunicorn.conf.py) serving the app on the port, once /readyz answers."""
    with socket.socket() as probe:  # another bench's server there would be measured instead
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"port {port} is in use by another server; run again when it is free")
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env={**os.environ, **env, "BIND": f"127.0.0.1:{port}", "LOG_LEVEL": "warning"},
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
        start_new_session=True,
    )
    for _ in range(100):
        try:
            conn = HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/readyz")
            conn.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not start; see {log}")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def worker_memory_mib(server: subprocess.Popen) -> list[float]:
    """Resident memory of each gunicorn worker, in MiB."""
    children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
    sizes = []
    for child in children:
        for line in Path(f"/proc/{child}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes
