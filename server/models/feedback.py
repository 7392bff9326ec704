import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.base import IdMixin, UTCDateTime, enum_column, utcnow
from server.models.visits import Visit


class FeedbackKind(StrEnum):
    RATING = "rating"  # a rating and nothing written
    COMMENT = "comment"  # written, neither a compliment nor a complaint
    COMPLIMENT = "compliment"
    COMPLAINT = "complaint"


class FeedbackCode(IdMixin, db.Model):
    """A visit's feedback page's code: short, unguessable, made the first time the page is offered for it."""

    __tablename__ = "feedback_codes"

    visit_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("visits.id"), unique=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Feedback(IdMixin, db.Model):
    """What a tenant said about a visit from its feedback page: a rating, a compliment, a comment or a complaint.

    A complaint runs on the Housing Ombudsman's stage 1 clock: acknowledged (at once, from the page) and
    answered within the contract's working days; the due times are fixed when it is made.
    """

    __tablename__ = "feedback"
    __table_args__ = (sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_1_to_5"),)

    visit_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("visits.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    kind: Mapped[FeedbackKind] = enum_column(FeedbackKind, "feedback_kind", index=True)
    rating: Mapped[int | None] = mapped_column(sa.SmallInteger)  # 1 very poor to 5 very good
    text: Mapped[str | None] = mapped_column(sa.String(2000))
    language: Mapped[str] = mapped_column(sa.String(16))  # the page's: reply in it if we can
    # Personal data, all optional: shown only to the managers and admins on the visit's contract.
    name: Mapped[str | None] = mapped_column(sa.String(200))
    callback_phone: Mapped[str | None] = mapped_column(sa.String(40))
    callback_email: Mapped[str | None] = mapped_column(sa.String(254))
    # Complaints only.
    acknowledge_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
    response_note: Mapped[str | None] = mapped_column(sa.String(4000))

    visit: Mapped[Visit] = relationship(lazy="joined")

    @property
    def is_open(self) -> bool:
        return self.kind == FeedbackKind.COMPLAINT and self.responded_at is None

    def is_overdue(self, now: datetime) -> bool:
        """An open complaint past the acknowledgement or the response it was due."""
        if not self.is_open:
            return False
        late_acknowledging = self.acknowledged_at is None and now > self.acknowledge_due_at
        late_responding = self.response_due_at is not None and now > self.response_due_at
        return late_acknowledging or late_responding
