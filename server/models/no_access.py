import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.base import IdMixin, UTCDateTime, utcnow


class NoAccessAttempt(IdMixin, db.Model):
    """Nobody answered the door: how long the operative waited, and the calling card left."""

    __tablename__ = "no_access_attempts"

    visit_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("visits.id"), unique=True)
    recorded_by: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    device_attempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    waited_minutes: Mapped[int]
    # The contract's minimum reasonable wait at the time: a shorter wait is recorded and flagged.
    required_wait_minutes: Mapped[int]
    note: Mapped[str | None] = mapped_column(sa.Text)
    card_left: Mapped[bool]
    # Printed on the calling card; unique, short and unguessable (the card's public page uses it).
    card_serial: Mapped[str] = mapped_column(sa.String(16), unique=True)

    @property
    def waited_long_enough(self) -> bool:
        return self.waited_minutes >= self.required_wait_minutes
