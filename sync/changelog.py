"""The change log's write path: services call `record` inside their transaction, never after it."""

import uuid

import sqlalchemy as sa

from server.extensions import db
from server.models.changes import Change, Op


def _current_txid():
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.cast(sa.cast(sa.func.pg_current_xact_id(), sa.Text), sa.BigInteger)
    return None


def record(entity: str, entity_id: uuid.UUID, version: int, scopes, op: Op = Op.UPSERT) -> None:
    """Add change rows for one record, one per scope, to the current transaction."""
    txid = _current_txid()
    for scope in dict.fromkeys(scopes):  # de-duplicated, order kept
        db.session.add(
            Change(
                txid=txid,
                entity=entity,
                entity_id=entity_id,
                op=op,
                version=version,
                landlord_id=scope.landlord_id,
                contractor_id=scope.contractor_id,
                operative_id=scope.operative_id,
            )
        )
