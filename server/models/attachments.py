import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.base import IdMixin, UTCDateTime, enum_column, utcnow


class AttachmentKind(StrEnum):
    PHOTO = "photo"
    SIGNATURE = "signature"


class Attachment(IdMixin, db.Model):
    """A photo or signature linked to a visit (and perhaps one of its concerns); the bytes are stored by sha256."""

    __tablename__ = "attachments"

    visit_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("visits.id"), index=True)
    concern_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("concerns.id"), index=True)
    kind: Mapped[AttachmentKind] = enum_column(AttachmentKind, "attachment_kind")
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    content_type: Mapped[str] = mapped_column(sa.String(40))
    size: Mapped[int]
    width: Mapped[int]
    height: Mapped[int]
    uploaded_by: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
