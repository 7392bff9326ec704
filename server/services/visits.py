"""Booking visits: managers of either organisation on a contract create, reschedule, reassign, cancel."""

import uuid
from datetime import datetime

import sync
from server.errors import DomainError, Forbidden
from server.extensions import db
from server.models import OPEN_STATUSES, Contract, Property, Role, User, Visit, VisitStatus
from server.services.access import get_visible, visible
from server.services.pages import Page, paginate


def list_visits(actor: User, filters: dict, page: int, per_page: int) -> Page:
    query = visible(actor, Visit)
    if filters.get("from_"):
        query = query.where(Visit.window_end > filters["from_"])
    if filters.get("to"):
        query = query.where(Visit.window_start < filters["to"])
    if filters.get("status"):
        query = query.where(Visit.status.in_(filters["status"]))
    if filters.get("operative"):
        query = query.where(Visit.operative_id == filters["operative"])
    if filters.get("contract"):
        query = query.where(Visit.contract_id == filters["contract"])
    return paginate(query.order_by(Visit.window_start, Visit.id), page, per_page)


def _require_manager(actor: User) -> None:
    if not actor.is_manager:
        raise Forbidden("Visits are booked by managers and admins.")


def _operative(operative_id: uuid.UUID | None, contract: Contract) -> User | None:
    if operative_id is None:
        return None
    operative = db.session.get(User, operative_id)
    if (
        operative is None
        or operative.organisation_id != contract.contractor_id
        or operative.role != Role.OPERATIVE
        or not operative.active
    ):
        raise DomainError(
            "validation_failed", errors={"operative_id": ["Not an active operative of this contract's contractor."]}
        )
    return operative


def _check_window(start: datetime, end: datetime) -> None:
    if end <= start:
        raise DomainError("validation_failed", errors={"window_end": ["The window must end after it starts."]})


def _managed_visit(visit_id: uuid.UUID, actor: User) -> Visit:
    visit = get_visible(actor, Visit, visit_id)
    _require_manager(actor)
    return visit


def _require_open(visit: Visit, version: int | None) -> None:
    visit.expect_version(version)
    if visit.status not in OPEN_STATUSES:
        raise DomainError("invalid_transition", f"The visit is {visit.status.value}; it can no longer be changed.")


def create_visit(fields: dict, actor: User) -> Visit:
    """Book a visit on a contract the actor's organisation holds, at one of the landlord's homes."""
    _require_manager(actor)
    contract = db.session.scalar(visible(actor, Contract).where(Contract.id == fields["contract_id"]))
    if contract is None:
        raise DomainError("validation_failed", errors={"contract_id": ["No contract of yours with this id."]})
    if not contract.active:
        raise DomainError("validation_failed", errors={"contract_id": ["This contract is no longer active."]})
    prop = db.session.get(Property, fields["property_id"])
    if prop is None or prop.landlord_id != contract.landlord_id:
        raise DomainError(
            "validation_failed", errors={"property_id": ["No property of this contract's landlord with this id."]}
        )
    _check_window(fields["window_start"], fields["window_end"])
    _operative(fields.get("operative_id"), contract)
    if fields.get("id") and db.session.get(Visit, fields["id"]) is not None:
        raise DomainError("already_exists", f"A visit with id {fields['id']} already exists.")
    if fields.get("id") is None:
        fields = {k: v for k, v in fields.items() if k != "id"}  # the server makes one
    visit = Visit(**fields)
    db.session.add(visit)
    db.session.flush()
    sync.visit_changed(visit)
    return visit


def reschedule_visit(
    visit_id: uuid.UUID, window_start: datetime, window_end: datetime, actor: User, version: int | None = None
) -> Visit:
    visit = _managed_visit(visit_id, actor)
    _require_open(visit, version)
    if visit.status != VisitStatus.SCHEDULED:
        raise DomainError("invalid_transition", "The operative has arrived; the visit can no longer be rescheduled.")
    _check_window(window_start, window_end)
    visit.window_start, visit.window_end = window_start, window_end
    visit.bump()
    sync.visit_changed(visit)
    return visit


def reassign_visit(
    visit_id: uuid.UUID, operative_id: uuid.UUID | None, actor: User, version: int | None = None
) -> Visit:
    visit = _managed_visit(visit_id, actor)
    _require_open(visit, version)
    if visit.operative_id == operative_id:
        return visit
    operative = _operative(operative_id, visit.contract)
    previous = visit.operative_id
    visit.operative = operative  # the relationship, so the loaded operative changes with the id
    visit.bump()
    sync.visit_changed(visit, previous_operative_id=previous)
    return visit


def cancel_visit(visit_id: uuid.UUID, reason: str, actor: User, version: int | None = None) -> Visit:
    visit = _managed_visit(visit_id, actor)
    if visit.status == VisitStatus.CANCELLED:
        return visit  # cancelling twice is harmless
    _require_open(visit, version)
    visit.status, visit.cancel_reason = VisitStatus.CANCELLED, reason
    visit.bump()
    sync.visit_changed(visit)
    return visit
