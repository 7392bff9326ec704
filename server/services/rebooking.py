"""Rebooking requests: a tenant asks for a new appointment from a calling card's page; managers handle them.

The callback phone number is personal data: only the managers and admins of the two organisations on
the visit's contract see the requests at all.
"""

import uuid
from datetime import datetime

import sqlalchemy as sa

from server.errors import Forbidden, NotFound
from server.extensions import db
from server.models import RebookingRequest, User, Visit
from server.services import cards
from server.services.access import visit_filter
from server.services.pages import Page, paginate


def request_rebooking(code: str, fields: dict, language: str, now: datetime) -> tuple[RebookingRequest, cards.Card]:
    """Record a tenant's ask for a new appointment on the visit a genuine card was left after."""
    card = cards.genuine_card(code)
    request = RebookingRequest(
        attempt_id=card.attempt.id,
        visit_id=card.visit.id,
        created_at=now,
        preferred_times=fields.get("preferred_times"),
        details=fields.get("details"),
        callback_phone=fields.get("phone"),
        language=language,
    )
    db.session.add(request)
    db.session.flush()
    return request, card


def _require_manager(actor: User) -> None:
    if not actor.is_manager:  # operatives, and the platform admin (no household data)
        raise Forbidden("Rebooking requests are for the managers and admins on the visit's contract.")


def _visible(actor: User) -> sa.Select:
    return sa.select(RebookingRequest).join(Visit, Visit.id == RebookingRequest.visit_id).where(visit_filter(actor))


def list_requests(actor: User, open_only: bool | None, page: int, per_page: int) -> Page:
    """Requests on the visits of your contracts, newest first; `open_only` True for those not yet handled."""
    _require_manager(actor)
    query = _visible(actor)
    if open_only is True:
        query = query.where(RebookingRequest.handled_at.is_(None))
    elif open_only is False:
        query = query.where(RebookingRequest.handled_at.is_not(None))
    return paginate(query.order_by(RebookingRequest.created_at.desc(), RebookingRequest.id), page, per_page)


def handle(request_id: uuid.UUID, note: str | None, actor: User, now: datetime) -> RebookingRequest:
    """Mark a request handled (a new appointment offered, or the tenant called back); the first handling stays."""
    _require_manager(actor)
    request = db.session.scalar(_visible(actor).where(RebookingRequest.id == request_id))
    if request is None:
        raise NotFound(f"No rebooking request with id {request_id}.")
    if request.handled_at is None:
        request.handled_at, request.handled_by, request.handle_note = now, actor.id, note
    return request
