"""A minimal tablet for tests: pull every page through the HTTP API and keep what the feed says to keep."""

import gzip
import json
from dataclasses import dataclass, field


@dataclass
class Replica:
    """What a tablet holds after applying pulls: (entity, id) -> the last upsert's change."""

    records: dict = field(default_factory=dict)
    cursor: str | None = None
    pages: list = field(default_factory=list)

    def apply(self, body: dict) -> None:
        self.pages.append(body)
        for change in body["changes"]:
            key = (change["entity"], change["id"])
            if change["op"] == "delete":
                self.records.pop(key, None)
            else:
                self.records[key] = change
        self.cursor = body["cursor"]

    def has(self, entity: str, record_id) -> bool:
        return (entity, str(record_id)) in self.records

    def data(self, entity: str, record_id) -> dict:
        return self.records[entity, str(record_id)]["data"]

    def ids(self, entity: str) -> set[str]:
        return {i for e, i in self.records if e == entity}


def pull(client, headers: dict, cursor: str | None = None, limit: int | None = None, gzip_ok: bool = False):
    """One pull; the response, its body already decoded."""
    query = {"cursor": cursor or ""}
    if limit is not None:
        query["limit"] = limit
    if gzip_ok:
        headers = {**headers, "Accept-Encoding": "gzip"}
    response = client.get("/api/v1/sync/changes", query_string=query, headers=headers)
    raw = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        raw = gzip.decompress(raw)
    response.body = json.loads(raw)
    return response


def sync(client, headers: dict, replica: Replica | None = None, limit: int | None = None, pages: int = 1000) -> Replica:
    """Pull until has_more is false, as a tablet would."""
    replica = replica or Replica()
    for _ in range(pages):
        response = pull(client, headers, replica.cursor, limit)
        assert response.status_code == 200, response.body
        replica.apply(response.body)
        if not response.body["has_more"]:
            return replica
    raise AssertionError("the feed never said it was done")
