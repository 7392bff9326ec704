"""A calling card's public page: is this card one we printed, and which visit was it left after.

A tenant learns who called, when and why, and how to reach the landlord: never who lives there
(anyone holding the card may read the page). Every check is logged without the caller's address.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from server.errors import NotFound
from server.extensions import db
from server.models import CardCheck, NoAccessAttempt, Organisation, User, Verdict, Visit
from server.services.badges import ALPHABET  # serials are drawn from it too: nothing read aloud is ambiguous

_MAX_SERIAL = 16  # the column's width


@dataclass
class Card:
    """What a card's page says: the verdict and, for a genuine card, the attempt and its landlord."""

    verdict: Verdict
    attempt: NoAccessAttempt | None = None
    visit: Visit | None = None
    operative: str | None = None
    contractor: str | None = None
    landlord: Organisation | None = None

    @property
    def genuine(self) -> bool:
        return self.verdict == Verdict.GENUINE


def check_url(attempt: NoAccessAttempt) -> str:
    """The card's public page: in its QR, and where a tenant types its code."""
    return f"{current_app.config['PUBLIC_BASE_URL']}/c/{attempt.card_serial}"


def normalise_serial(text: str) -> str | None:
    """The serial as printed if `text` could be one (spaces, dashes and case ignored), else None."""
    serial = "".join(str(text).split()).replace("-", "").upper()
    if not serial or len(serial) > _MAX_SERIAL or any(ch not in ALPHABET for ch in serial):
        return None
    return serial


def find_card(text: str) -> Card:
    """The card with this code, genuine whatever became of its visit since (it really was left), or not recognised."""
    serial = normalise_serial(text)
    attempt = (
        db.session.scalar(sa.select(NoAccessAttempt).where(NoAccessAttempt.card_serial == serial)) if serial else None
    )
    if attempt is None:
        return Card(Verdict.NOT_RECOGNISED)
    visit = db.session.get(Visit, attempt.visit_id)
    contract = visit.contract
    return Card(
        Verdict.GENUINE,
        attempt,
        visit,
        operative=db.session.get(User, attempt.recorded_by).name,
        contractor=contract.contractor.name,
        landlord=contract.landlord,
    )


def check_card(text: str, via: str, now: datetime) -> Card:
    """A tenant's check of a card (via its QR or its typed code), logged."""
    card = find_card(text)
    db.session.add(
        CardCheck(attempt_id=card.attempt.id if card.attempt else None, checked_at=now, verdict=card.verdict, via=via)
    )
    return card


def genuine_card(text: str) -> Card:
    """The genuine card with this code, or NotFound."""
    card = find_card(text)
    if not card.genuine:
        raise NotFound("We cannot find this card.")
    return card
