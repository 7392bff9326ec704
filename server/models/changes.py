"""The change log: one row per change a device may need to see (DESIGN §4).

Each row carries the scope that may see it and, on PostgreSQL, the writing transaction's id, so
the feed can follow commit order (rows whose transaction is still open are held back until it
ends). SQLite has a single writer, so its row id is already commit order.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.base import UTCDateTime, enum_column, utcnow


class Op(StrEnum):
    UPSERT = "upsert"
    DELETE = "delete"


@dataclass(frozen=True)
class Scope:
    """Who may see a change: the landlord's and contractor's staff, and one operative."""

    landlord_id: uuid.UUID | None = None
    contractor_id: uuid.UUID | None = None
    operative_id: uuid.UUID | None = None


class Change(db.Model):
    __tablename__ = "changes"
    __table_args__ = (sa.Index("ix_changes_txid_id", "txid", "id"),)

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    # pg_current_xact_id() of the writing transaction; NULL on SQLite.
    txid: Mapped[int | None] = mapped_column(sa.BigInteger)
    entity: Mapped[str] = mapped_column(sa.String(40))
    entity_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    op: Mapped[Op] = enum_column(Op, "change_op")
    version: Mapped[int]
    landlord_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, index=True)
    contractor_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, index=True)
    operative_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
