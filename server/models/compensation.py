import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.base import IdMixin, UTCDateTime, utcnow


class CompensationClaim(IdMixin, db.Model):
    """A tenant's lost earnings for a repair whose appointments the contractor kept missing."""

    __tablename__ = "compensation_claims"
    __table_args__ = (sa.UniqueConstraint("contract_id", "repair_reference"),)

    contract_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("contracts.id"), index=True)
    repair_reference: Mapped[str] = mapped_column(sa.String(60))
    days_lost: Mapped[int]
    earnings_lost_per_day_pence: Mapped[int]
    # The contract's daily cap when the claim was recorded; the payable sum never exceeds it.
    daily_cap_pence: Mapped[int]
    note: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def payable_pence(self) -> int:
        return self.days_lost * min(self.earnings_lost_per_day_pence, self.daily_cap_pence)
