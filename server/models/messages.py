import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.base import IdMixin, UTCDateTime, enum_column, utcnow


class Audience(StrEnum):
    MANAGER = "manager"  # staff of an organisation on the contract
    TENANT = "tenant"


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


class MessageState(StrEnum):
    QUEUED = "queued"  # waiting for the worker (again, after a retry's backoff)
    SENDING = "sending"  # claimed by a worker under a lease
    SENT = "sent"
    FAILED = "failed"  # given up on; managers were alerted
    CANCELLED = "cancelled"


class Message(IdMixin, db.Model):
    """One message to one person through one channel: the outbox row, written with the event that causes it."""

    __tablename__ = "messages"
    __table_args__ = (sa.Index("ix_messages_due", "state", "next_attempt_at"),)

    kind: Mapped[str] = mapped_column(sa.String(40))  # concern_urgent, badge_refused_scan, ...
    audience: Mapped[Audience] = enum_column(Audience, "message_audience")
    channel: Mapped[Channel] = enum_column(Channel, "message_channel")
    recipient: Mapped[str] = mapped_column(sa.String(254))  # an email address or a phone number
    user_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
    household_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("households.id"))
    # Whose message it is: the managers of this organisation, and of both sides of this contract, see it.
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    contract_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("contracts.id"), index=True)
    visit_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("visits.id"), index=True)
    template: Mapped[str] = mapped_column(sa.String(60))
    lang: Mapped[str] = mapped_column(sa.String(16))
    # Rendered when queued: what is sent is what was decided with the event, whatever the wording becomes.
    subject: Mapped[str | None] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[MessageState] = enum_column(MessageState, "message_state", default=MessageState.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Past this it is no use (a reminder after the visit began): the worker cancels it instead of sending it.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set (and committed) just before the provider may have the message: past it, a resend could duplicate.
    handed_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    provider: Mapped[str | None] = mapped_column(sa.String(20))
    provider_id: Mapped[str | None] = mapped_column(sa.String(100))
    # Given to the provider (Notify's reference, the email's Message-ID) so a resend can be recognised.
    idempotency_key: Mapped[str] = mapped_column(sa.String(64), unique=True, default=lambda: uuid.uuid4().hex)
    # One message per event and recipient: a second enqueue with the same key writes nothing.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(300), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
