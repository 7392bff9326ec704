"""The tablet's own database: what it last pulled, what it has still to push, and where it got to.

One SQLite file. Every write is a transaction with `synchronous=FULL`, so a mutation the operative
recorded is on disk before `enqueue` returns, and a page of changes lands together with the cursor
that follows it: after any interruption the client resumes from the last page it fully applied.
"""

import json
import sqlite3
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    entity TEXT NOT NULL, id TEXT NOT NULL, version INTEGER, data TEXT NOT NULL, PRIMARY KEY (entity, id)
);
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    mutation_id TEXT NOT NULL UNIQUE,
    entity TEXT NOT NULL, op TEXT NOT NULL, id TEXT NOT NULL, base_version INTEGER, data TEXT NOT NULL,
    device_time TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',  -- pending, then the server's: applied, duplicate, conflict, rejected
    result TEXT
);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Mutation:
    mutation_id: str
    entity: str
    op: str
    id: str
    base_version: int | None
    data: dict
    device_time: str

    def wire(self) -> dict:
        return {
            "mutation_id": self.mutation_id,
            "entity": self.entity,
            "op": self.op,
            "id": self.id,
            "base_version": self.base_version,
            "data": self.data,
            "device_time": self.device_time,
        }


class Replica:
    def __init__(self, path: str | Path):
        self._db = sqlite3.connect(path, isolation_level=None)  # transactions are explicit, below
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self):
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # State ---------------------------------------------------------------------------------------

    def get(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put(self, key: str, value: str | None) -> None:
        with self._transaction() as db:
            if value is None:
                db.execute("DELETE FROM state WHERE key = ?", (key,))
            else:
                db.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", (key, value))

    @property
    def cursor(self) -> str | None:
        return self.get("cursor")

    # Records -------------------------------------------------------------------------------------

    def record(self, entity: str, record_id: str) -> dict | None:
        row = self._db.execute("SELECT data FROM records WHERE entity = ? AND id = ?", (entity, record_id)).fetchone()
        return json.loads(row[0]) if row else None

    def records(self, entity: str) -> dict[str, dict]:
        rows = self._db.execute("SELECT id, data FROM records WHERE entity = ? ORDER BY id", (entity,))
        return {record_id: json.loads(data) for record_id, data in rows}

    def version(self, entity: str, record_id: str) -> int | None:
        row = self._db.execute(
            "SELECT version FROM records WHERE entity = ? AND id = ?", (entity, record_id)
        ).fetchone()
        return row[0] if row else None

    def apply_page(self, changes: list[dict], cursor: str) -> None:
        """Apply a pulled page and move the cursor past it, all or nothing.

        An upsert replaces the whole record, so a field the server no longer sends (a doorstep
        password after the visit day) is gone from the tablet; a delete removes the record.
        """
        with self._transaction() as db:
            for change in changes:
                key = (change["entity"], str(change["id"]))
                if change["op"] == "delete":
                    db.execute("DELETE FROM records WHERE entity = ? AND id = ?", key)
                else:
                    db.execute(
                        "INSERT OR REPLACE INTO records (entity, id, version, data) VALUES (?, ?, ?, ?)",
                        (*key, change.get("version"), json.dumps(change["data"])),
                    )
            db.execute("INSERT OR REPLACE INTO state (key, value) VALUES ('cursor', ?)", (cursor,))

    def forget_everything_pulled(self) -> None:
        """Start again from a snapshot (the server said resync_required): what is still to push stays."""
        with self._transaction() as db:
            db.execute("DELETE FROM records")
            db.execute("DELETE FROM state WHERE key = 'cursor'")

    # Outbox --------------------------------------------------------------------------------------

    def enqueue(
        self, entity: str, op: str, record_id: str, data: dict, base_version: int | None, device_time: str
    ) -> str:
        """Write a mutation to the outbox, durably; return its id. Only then may the user be told it is saved."""
        mutation_id = str(uuid.uuid4())
        with self._transaction() as db:
            db.execute(
                "INSERT INTO outbox (mutation_id, entity, op, id, base_version, data, device_time)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (mutation_id, entity, op, record_id, base_version, json.dumps(data), device_time),
            )
        return mutation_id

    def pending(self, limit: int) -> list[Mutation]:
        rows = self._db.execute(
            "SELECT mutation_id, entity, op, id, base_version, data, device_time FROM outbox"
            " WHERE status = 'pending' ORDER BY seq LIMIT ?",
            (limit,),
        )
        return [Mutation(m, e, o, i, b, json.loads(d), t) for m, e, o, i, b, d, t in rows]

    def settle(self, result: dict) -> None:
        """Keep the server's answer to a mutation; it will not be sent again."""
        with self._transaction() as db:
            db.execute(
                "UPDATE outbox SET status = ?, result = ? WHERE mutation_id = ?",
                (result["status"], json.dumps(result), str(result["mutation_id"])),
            )

    def outbox(self) -> list[dict]:
        """Every mutation with its status and the server's answer, oldest first (for the operative to see)."""
        rows = self._db.execute("SELECT mutation_id, entity, op, id, status, result FROM outbox ORDER BY seq")
        return [
            {"mutation_id": m, "entity": e, "op": o, "id": i, "status": s, "result": json.loads(r) if r else None}
            for m, e, o, i, s, r in rows
        ]
