"""What the operative's tablet does: records offline, then pushes what it holds and pulls what changed.

`record` only writes the outbox (durably), so it works with no signal at all. `sync` pushes the
outbox in batches, oldest first, with the same mutation ids however often a batch is retried (the
server applies each once and answers a retry with its stored result), then pulls pages of changes
from the last cursor until there are no more. A `resync_required` answer starts the replica again
from a snapshot, keeping the outbox. The server's clock, read from each answer, is kept for the
live badge (sync/live_badge.py), which never trusts the tablet's own clock.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sync.client.connection import Answer, Connection
from sync.client.replica import Replica

PUSH_BATCH = 100
PULL_LIMIT = 500


class Refused(Exception):
    """The server refused a whole request, which retrying will not mend (a bug in the client)."""

    def __init__(self, answer: Answer):
        super().__init__(f"HTTP {answer.status}: {answer.body.get('code')}: {answer.body.get('detail')}")
        self.answer = answer


@dataclass
class Report:
    pushed: dict[str, int] = field(default_factory=dict)  # results by status
    pulled: int = 0  # changes applied
    pages: int = 0
    resynced: bool = False


class Tablet:
    def __init__(self, replica: Replica, connection: Connection, clock=lambda: datetime.now(UTC)):
        self.replica, self.connection, self.clock = replica, connection, clock

    def record(self, entity: str, op: str, record_id: str, data: dict, base_version: int | None = None) -> str:
        """Keep something the operative did, to push at the next sync; it is on disk when this returns."""
        device_time = self.clock().isoformat()
        return self.replica.enqueue(entity, op, str(record_id), data, base_version, device_time)

    def sync(self) -> Report:
        report = Report()
        self.push(report)
        self.pull(report)
        return report

    def push(self, report: Report | None = None) -> Report:
        report = report or Report()
        while batch := self.replica.pending(PUSH_BATCH):
            body = {"device_id": self.connection.device_id, "mutations": [m.wire() for m in batch]}
            answer = self._ok(self.connection.call("POST", "/api/v1/sync/push", body))
            for result in answer.body["results"]:
                self.replica.settle(result)
                report.pushed[result["status"]] = report.pushed.get(result["status"], 0) + 1
        return report

    def pull(self, report: Report | None = None) -> Report:
        report = report or Report()
        while True:
            query = {"cursor": self.replica.cursor, "limit": PULL_LIMIT}
            answer = self.connection.call("GET", "/api/v1/sync/changes", query=query)
            if answer.status == 410 and answer.body.get("code") == "resync_required" and not report.resynced:
                self.replica.forget_everything_pulled()
                report.resynced = True
                continue
            page = self._ok(answer).body
            self.replica.apply_page(page["changes"], page["cursor"])
            report.pulled += len(page["changes"])
            report.pages += 1
            if not page["has_more"]:
                return report

    def _ok(self, answer: Answer) -> Answer:
        if answer.status != 200:
            raise Refused(answer)
        if answer.server_time is not None:
            offset = (answer.server_time - self.clock()).total_seconds()
            self.replica.put("server_clock_offset_seconds", f"{offset:.0f}")
        return answer
