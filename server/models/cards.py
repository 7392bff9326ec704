import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.badges import Verdict
from server.models.base import UTCDateTime, enum_column, utcnow


class CardCheck(db.Model):
    """One look at a calling card's public page: when, which card, what the tenant was told. No address is kept.

    Unknown codes are kept too (no card): a run of them shows fake cards going round.
    """

    __tablename__ = "card_checks"

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    attempt_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("no_access_attempts.id"), index=True)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verdict: Mapped[Verdict] = enum_column(Verdict, "card_verdict")
    via: Mapped[str] = mapped_column(sa.String(20))  # qr (the card's address) or code (typed at /c)
