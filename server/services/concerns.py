"""Concerns raised from visits: due dates by the contract's rules, and special-category text kept close.

Safeguarding and vulnerable-adult text is shown only to the operative who raised it and to the
managers of the two organisations on the contract, and every such read is logged.
"""

import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa

import sync
from server.errors import DomainError, Forbidden, NotFound
from server.extensions import db
from server.models import Concern, ConcernCategory, Role, Severity, User, Visit, VisitStatus
from server.services import alerts, audit
from server.services.access import get_visible, visit_filter
from server.services.deadlines import concern_due_at
from server.services.pages import Page, paginate

# "Due soon" is how the managers' queue flags what to look at next; it is a view, not a landlord's deadline.
DUE_SOON = timedelta(hours=48)


def _visible(actor: User) -> sa.Select:
    return sa.select(Concern).join(Visit, Visit.id == Concern.visit_id).where(visit_filter(actor))


def _may_read_text(concern: Concern, actor: User) -> bool:
    if not concern.is_sensitive:
        return True
    return actor.id == concern.raised_by or (
        actor.is_manager and concern.visit.contract.involves(actor.organisation_id)
    )


def readable_text(concern: Concern, actor: User) -> str | None:
    """The concern's text if this reader may read it (the caller logs a special-category read)."""
    return concern.description if _may_read_text(concern, actor) else None


def is_due_soon(concern: Concern, now: datetime) -> bool:
    """Not acted on yet, and due within DUE_SOON (not yet overdue)."""
    return concern.acknowledged_at is None and concern.resolved_at is None and now <= concern.due_at <= now + DUE_SOON


def acknowledged_on_time(concern: Concern, now: datetime) -> bool | None:
    """Whether it was acted on by its due time; None while it still may be."""
    acted_at = concern.acknowledged_at or concern.resolved_at
    if acted_at is None:
        return False if concern.is_overdue(now) else None
    return acted_at <= concern.due_at


def resolved_on_time(concern: Concern, now: datetime) -> bool | None:
    """Whether it was resolved by its due time; None while it still may be."""
    if concern.resolved_at is None:
        return False if now > concern.due_at else None
    return concern.resolved_at <= concern.due_at


def shown(concerns: list[Concern], actor: User, now: datetime, purpose: str) -> list[Concern]:
    """Fill in what this reader may see of each concern's text, logging each special-category read."""
    for concern in concerns:
        concern.shown_description = concern.description if _may_read_text(concern, actor) else None
        if concern.is_sensitive and concern.shown_description is not None:
            audit.log_read(actor, "concern", concern.id, "description", purpose, now)
    return concerns


def raise_concern(
    visit_id: uuid.UUID, fields: dict, actor: User, now: datetime, *, offline: bool = False
) -> tuple[Concern, bool]:
    """Raise a concern from a visit (its operative, or a manager); returns (concern, whether it is new).

    `offline`: raised on a tablet without signal, so the operative was there whatever the office did
    meanwhile; a visit cancelled since still takes it (a safeguarding concern must never be lost).
    """
    visit = get_visible(actor, Visit, visit_id)
    if actor.id != visit.operative_id and not actor.is_manager:
        raise Forbidden("Concerns are raised by the visit's operative or a manager.")
    if fields.get("id") is not None and (existing := db.session.get(Concern, fields["id"])) is not None:
        same = existing.visit_id == visit.id and (existing.category, existing.severity, existing.description) == (
            fields["category"],
            fields["severity"],
            fields["description"],
        )
        if not same:
            raise DomainError("already_exists", f"A different concern with id {fields['id']} exists.")
        return shown([existing], actor, now, purpose="concern retry")[0], False  # the first answer was lost
    if visit.status == VisitStatus.CANCELLED and not offline:
        raise DomainError("invalid_transition", "The visit was cancelled; raise the concern on a visit that happened.")
    contract = visit.contract
    due_at = concern_due_at(fields["category"], fields["severity"], now, contract.standards, contract.landlord.region)
    concern = Concern(
        id=fields.get("id") or uuid.uuid4(),
        visit=visit,
        category=fields["category"],
        severity=fields["severity"],
        description=fields["description"],
        raised_by=actor.id,
        raised_at=now,
        due_at=due_at,
    )
    db.session.add(concern)
    db.session.flush()
    sync.visit_record_changed("concern", concern.id, concern.version, visit)
    alerts.concern_raised(concern, now)  # in this transaction: no concern without its alert, nor the reverse
    concern.shown_description = concern.description  # the raiser's own words
    return concern, True


def list_concerns(actor: User, filters: dict, now: datetime, page: int, per_page: int) -> Page:
    query = _visible(actor)
    status = filters.get("status")
    if status == "open":
        query = query.where(Concern.acknowledged_at.is_(None), Concern.resolved_at.is_(None))
    elif status == "acknowledged":
        query = query.where(Concern.acknowledged_at.is_not(None), Concern.resolved_at.is_(None))
    elif status == "resolved":
        query = query.where(Concern.resolved_at.is_not(None))
    if filters.get("category"):
        query = query.where(Concern.category.in_(filters["category"]))
    if filters.get("visit"):
        query = query.where(Concern.visit_id == filters["visit"])
    overdue = sa.and_(Concern.acknowledged_at.is_(None), Concern.resolved_at.is_(None), Concern.due_at < now)
    if filters.get("overdue") is True:
        query = query.where(overdue)
    elif filters.get("overdue") is False:
        query = query.where(sa.not_(overdue))
    due_soon = sa.and_(
        Concern.acknowledged_at.is_(None), Concern.resolved_at.is_(None), Concern.due_at.between(now, now + DUE_SOON)
    )
    if filters.get("due_soon") is True:
        query = query.where(due_soon)
    elif filters.get("due_soon") is False:
        query = query.where(sa.not_(due_soon))
    order = (Concern.due_at, Concern.id)
    if filters.get("queue"):
        # The managers' queue: what is still to do, a child or adult at risk first, then danger to life.
        query = query.where(Concern.resolved_at.is_(None))
        order = (
            sa.case((Concern.category == ConcernCategory.SAFEGUARDING, 0), else_=1),
            sa.case((Concern.severity == Severity.EMERGENCY, 0), else_=1),
            *order,
        )
    result = paginate(query.order_by(*order), page, per_page)
    shown(result.items, actor, now, purpose="concern list")
    return result


def get_concern(concern_id: uuid.UUID, actor: User, now: datetime) -> Concern:
    concern = db.session.scalar(_visible(actor).where(Concern.id == concern_id))
    if concern is None:
        raise NotFound(f"No concern with id {concern_id}.")
    return shown([concern], actor, now, purpose="concern")[0]


def _managed(concern_id: uuid.UUID, actor: User, now: datetime) -> Concern:
    concern = get_concern(concern_id, actor, now)
    if not actor.is_manager or actor.role == Role.PLATFORM_ADMIN:
        raise Forbidden("Managers acknowledge and resolve concerns.")
    return concern


def acknowledge(concern_id: uuid.UUID, note: str | None, actor: User, now: datetime) -> Concern:
    """Say the concern is being acted on (this stops it being overdue)."""
    concern = _managed(concern_id, actor, now)
    if concern.resolved_at is not None:
        raise DomainError("invalid_transition", "The concern is already resolved.")
    if concern.acknowledged_at is None:
        concern.acknowledged_at, concern.acknowledged_by, concern.acknowledge_note = now, actor.id, note
        concern.bump()
        sync.visit_record_changed("concern", concern.id, concern.version, concern.visit)
    return concern


def resolve(concern_id: uuid.UUID, note: str, actor: User, now: datetime) -> Concern:
    """Close the concern, saying what was done."""
    concern = _managed(concern_id, actor, now)
    if concern.resolved_at is not None:
        return concern
    if concern.acknowledged_at is None:
        concern.acknowledged_at, concern.acknowledged_by = now, actor.id
    concern.resolved_at, concern.resolved_by, concern.resolution_note = now, actor.id, note
    concern.bump()
    sync.visit_record_changed("concern", concern.id, concern.version, concern.visit)
    return concern
