"""The log of who read special-category or secret data, when, and why."""

import uuid
from datetime import datetime

from server.extensions import db
from server.models import SensitiveRead, User


def log_read(actor: User, entity: str, entity_id: uuid.UUID, field: str, purpose: str, now: datetime) -> None:
    """Record one read, in the same transaction as the request that made it."""
    db.session.add(
        SensitiveRead(user_id=actor.id, entity=entity, entity_id=entity_id, field=field, purpose=purpose, read_at=now)
    )
