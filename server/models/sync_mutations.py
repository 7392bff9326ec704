import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.base import UTCDateTime, enum_column, utcnow


class MutationStatus(StrEnum):
    APPLIED = "applied"
    CONFLICT = "conflict"
    REJECTED = "rejected"


class SyncMutation(db.Model):
    """A pushed mutation's outcome, stored with its effects in one transaction so a retry never applies it twice."""

    __tablename__ = "sync_mutations"
    __table_args__ = (sa.Index("ix_sync_mutations_target", "target_id", "user_id"),)

    # The device's UUID for the mutation: the primary key is what makes two concurrent retries apply once.
    mutation_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    device_id: Mapped[str] = mapped_column(sa.String(100))
    entity: Mapped[str | None] = mapped_column(sa.String(40))  # None: the mutation was too malformed to say
    op: Mapped[str | None] = mapped_column(sa.String(40))
    # The record the mutation is about (a visit for visit ops) and its version after an applied mutation:
    # versions this device's own pushes produced are not a conflict for its later mutations.
    target_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    target_version: Mapped[int | None]
    status: Mapped[MutationStatus] = enum_column(MutationStatus, "sync_mutation_status")
    result: Mapped[dict] = mapped_column(sa.JSON)  # {"version", "record", "error"} as first answered
    device_time: Mapped[datetime | None] = mapped_column(UTCDateTime)  # kept, never trusted for ordering
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
