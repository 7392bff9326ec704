import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.base import IdMixin, UTCDateTime, enum_column, utcnow
from server.models.no_access import NoAccessAttempt
from server.models.visits import Visit


class PreferredTimes(StrEnum):
    MORNINGS = "mornings"
    AFTERNOONS = "afternoons"
    ANY_TIME = "any_time"


class RebookingRequest(IdMixin, db.Model):
    """A tenant's ask for a new appointment, sent from a calling card's page; the managers handle it."""

    __tablename__ = "rebooking_requests"

    attempt_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("no_access_attempts.id"), index=True)
    visit_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("visits.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    preferred_times: Mapped[PreferredTimes | None] = enum_column(PreferredTimes, "preferred_times")
    details: Mapped[str | None] = mapped_column(sa.String(500))  # preferred days or times, in the tenant's words
    # Personal data: shown only to the managers and admins on the visit's contract.
    callback_phone: Mapped[str | None] = mapped_column(sa.String(40))
    language: Mapped[str] = mapped_column(sa.String(16))  # the page's language: call back in it if we can
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
    handle_note: Mapped[str | None] = mapped_column(sa.String(2000))

    attempt: Mapped[NoAccessAttempt] = relationship(lazy="joined")
    visit: Mapped[Visit] = relationship(lazy="joined")
