"""Visits: managers book, move and cancel them; the assigned operative records them in the field.

Each of these that a tenant should hear about tells them in the same transaction (tenant_messages.tell, once per
event by its key): booked, moved, cancelled, running late or early, no access, completed. The time-based ones
(the reminder the day before, "not arrived yet") are in server/services/visit_messages.py.
"""

import secrets
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

import sync
from server.errors import DomainError, Forbidden
from server.extensions import db
from server.models import (
    OPEN_STATUSES,
    ConcernCategory,
    Contract,
    NoAccessAttempt,
    Property,
    Role,
    Severity,
    User,
    Visit,
    VisitKind,
    VisitReport,
    VisitStatus,
)
from server.schemas.standards import validated_standards
from server.services import alerts, cards, checklists, compensation, concerns, feedback, standards, tenant_messages
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


def _local_time(visit: Visit, moment: datetime) -> str:
    """A moment's time of day as the visit's household reads it (its language's clock)."""
    household = visit.property.household
    return tenant_messages.when(moment, household.preferred_language if household else "en")["time"]


def create_visit(fields: dict, actor: User, now: datetime) -> Visit:
    """Book a visit on a contract the actor's organisation holds, at one of the landlord's homes; the tenant is told."""
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
    if visit.kind != VisitKind.PLANNED_WORKS:  # planned works are told by their notice (services/notices.py)
        tenant_messages.tell(visit, "appointment_booked", now, key=str(visit.id), expires_at=visit.window_start)
    return visit


def reschedule_visit(
    visit_id: uuid.UUID,
    window_start: datetime,
    window_end: datetime,
    actor: User,
    version: int | None = None,
    *,
    now: datetime,
) -> Visit:
    """Move a scheduled visit to a new window; the tenant is told the new time."""
    visit = _managed_visit(visit_id, actor)
    _require_open(visit, version)
    if visit.status != VisitStatus.SCHEDULED:
        raise DomainError("invalid_transition", "The operative has arrived; the visit can no longer be rescheduled.")
    _check_window(window_start, window_end)
    moved = (visit.window_start, visit.window_end) != (window_start, window_end)
    visit.window_start, visit.window_end = window_start, window_end
    visit.bump()
    sync.visit_changed(visit)
    if moved:  # each move is told, even back to a window told before: the key holds the version it made
        key = f"{visit.id}:{visit.version}:{window_start.astimezone(UTC).isoformat()}"
        tenant_messages.tell(visit, "appointment_moved", now, key=key, expires_at=window_start)
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
    sync.visit_changed(visit, previous_operative_id=previous, reassigned=True)
    return visit


def cancel_visit(
    visit_id: uuid.UUID,
    reason: str,
    actor: User,
    version: int | None = None,
    *,
    by_tenant: bool = False,
    now: datetime,
) -> Visit:
    """Cancel an open visit; the tenant is told (with an apology and how to rebook, unless they asked for it)."""
    visit = _managed_visit(visit_id, actor)
    if visit.status == VisitStatus.CANCELLED:
        return visit  # cancelling twice is harmless
    _require_open(visit, version)
    visit.status, visit.cancel_reason, visit.cancelled_by_tenant = VisitStatus.CANCELLED, reason, by_tenant
    visit.bump()
    sync.visit_changed(visit)
    template = "appointment_cancelled_as_asked" if by_tenant else "appointment_cancelled"
    tenant_messages.tell(visit, template, now, key=str(visit.id), expires_at=visit.window_end)
    return visit


# The visit in the field: arrive, show ID, then a report or no access; managers mark it missed.

# A tablet's clock may run a little fast; a time further ahead than this is refused.
_CLOCK_SKEW = timedelta(minutes=5)
_SERIAL_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud over the phone


def _assigned_visit(visit_id: uuid.UUID, actor: User) -> Visit:
    visit = get_visible(actor, Visit, visit_id)
    if visit.operative_id != actor.id:
        raise Forbidden("Only the operative assigned to this visit records it.")
    return visit


def _device_time(recorded_at: datetime | None, now: datetime) -> datetime | None:
    if recorded_at is not None and recorded_at > now + _CLOCK_SKEW:
        raise DomainError("validation_failed", errors={"recorded_at": ["This time is in the future."]})
    return recorded_at


def _refuse_transition(visit: Visit, action: str) -> None:
    raise DomainError("invalid_transition", f"The visit is {visit.status.value}; it cannot {action}.")


def _changed(visit: Visit) -> None:
    visit.bump()
    sync.visit_changed(visit)


# How far ahead an expected arrival may be marked: further than this is a mistake, not a late operative.
_FURTHEST_EXPECTED = timedelta(hours=12)


def mark_running_late(visit_id: uuid.UUID, expected_at: datetime, actor: User, now: datetime) -> Visit:
    """The operative now expects to arrive at `expected_at`: the tenant is told if that is late or early.

    Late or early is more than the contract's `punctuality_minutes` after or before the window's start;
    within that, the time is kept and nobody is told. Each different time marked is told once.
    """
    visit = _assigned_visit(visit_id, actor)
    if visit.status != VisitStatus.SCHEDULED:
        _refuse_transition(visit, "be marked running late or early")
    if expected_at < now - _CLOCK_SKEW:
        raise DomainError("validation_failed", errors={"expected_at": ["This time has passed."]})
    if expected_at > now + _FURTHEST_EXPECTED:
        raise DomainError("validation_failed", errors={"expected_at": ["More than 12 hours ahead."]})
    if visit.expected_arrival_at == expected_at:
        return visit  # a retry: marked already
    visit.expected_arrival_at = expected_at
    _changed(visit)
    slack = timedelta(minutes=validated_standards(visit.contract.standards)["punctuality_minutes"])
    if expected_at > visit.window_start + slack:
        template = "running_late"
    elif expected_at < visit.window_start - slack:
        template = "running_early"
    else:
        return visit
    tenant_messages.tell(
        visit,
        template,
        now,
        key=f"{visit.id}:{expected_at.astimezone(UTC).isoformat()}",
        values={"time": _local_time(visit, expected_at)},
        expires_at=visit.window_end,  # of no use once the window is over
    )
    return visit


def arrive(visit_id: uuid.UUID, actor: User, now: datetime, recorded_at: datetime | None = None) -> Visit:
    """The operative is at the door: scheduled becomes in progress, at the server's time."""
    visit = _assigned_visit(visit_id, actor)
    device_time = _device_time(recorded_at, now)
    if visit.status == VisitStatus.IN_PROGRESS:
        return visit  # a retry: the first arrival stands
    if visit.status != VisitStatus.SCHEDULED:
        _refuse_transition(visit, "start")
    visit.status, visit.arrived_at, visit.device_arrived_at = VisitStatus.IN_PROGRESS, now, device_time
    _changed(visit)
    return visit


def show_id(visit_id: uuid.UUID, actor: User, now: datetime, recorded_at: datetime | None = None) -> Visit:
    """The operative showed their ID card before going in (the standard is measured from this record)."""
    visit = _assigned_visit(visit_id, actor)
    device_time = _device_time(recorded_at, now)
    if visit.id_shown_at is not None:
        return visit
    if visit.status != VisitStatus.IN_PROGRESS:
        _refuse_transition(visit, "record ID shown before arrival")
    visit.id_shown_at, visit.device_id_shown_at = now, device_time
    _changed(visit)
    return visit


def complete(visit_id: uuid.UUID, answers: dict, actor: User, now: datetime, recorded_at=None, *, offline=False):
    """File the checklist report, which completes the visit; returns (report, whether it is new).

    `offline`: the report was recorded on a tablet without signal, so the work happened whatever the office
    did meanwhile; a visit cancelled since is completed all the same, with a concern for a manager to review.
    """
    visit = _assigned_visit(visit_id, actor)
    device_time = _device_time(recorded_at, now)
    existing = db.session.scalar(sa.select(VisitReport).where(VisitReport.visit_id == visit.id))
    if existing is not None:
        if existing.answers != answers:
            raise DomainError("already_reported", report_id=str(existing.id))
        return existing, False
    over_cancellation = offline and visit.status == VisitStatus.CANCELLED
    if visit.status != VisitStatus.IN_PROGRESS and not over_cancellation:
        _refuse_transition(
            visit, "be reported before the operative arrives" if visit.status == "scheduled" else "be reported"
        )
    template = checklists.current_template(visit.contract_id)
    errors = checklists.answer_errors(template, answers, visit.property.household, visit.id)
    if errors:
        raise DomainError("validation_failed", "Some checklist answers are missing or not valid.", errors=errors)
    report = VisitReport(
        visit_id=visit.id,
        template=template,  # the relationship, so the report's data shows its version without loading it again
        answers=answers,
        submitted_by=actor.id,
        submitted_at=now,
        device_recorded_at=device_time,
    )
    db.session.add(report)
    visit.status, visit.departed_at = VisitStatus.COMPLETED, now
    _changed(visit)
    db.session.flush()
    sync.visit_record_changed("report", report.id, report.version, visit)
    if over_cancellation:
        _flag_completed_over_cancellation(visit, actor, now)
    delay = timedelta(minutes=validated_standards(visit.contract.standards)["satisfaction_delay_minutes"])
    link = feedback.feedback_url(visit, now)
    tenant_messages.tell(
        visit, "satisfaction_request", now, key=str(visit.id), values={"link": link}, not_before=now + delay
    )
    return report, True


def _flag_completed_over_cancellation(visit: Visit, actor: User, now: datetime) -> None:
    flag = {
        "category": ConcernCategory.OTHER,
        "severity": Severity.ROUTINE,
        "description": (
            f"Review: the office cancelled this visit ({visit.cancel_reason}) while the operative was offline, "
            "but the operative completed it and filed the report; it now counts as completed."
        ),
    }
    concerns.raise_concern(visit.id, flag, actor, now)


def _card_serial() -> str:
    while True:
        serial = "".join(secrets.choice(_SERIAL_ALPHABET) for _ in range(8))
        if db.session.scalar(sa.select(NoAccessAttempt.id).where(NoAccessAttempt.card_serial == serial)) is None:
            return serial


def record_no_access(visit_id: uuid.UUID, fields: dict, actor: User, now: datetime):
    """Nobody answered: record the wait and the calling card; returns (attempt, whether it is new)."""
    visit = _assigned_visit(visit_id, actor)
    device_time = _device_time(fields.get("recorded_at"), now)
    existing = db.session.scalar(sa.select(NoAccessAttempt).where(NoAccessAttempt.visit_id == visit.id))
    if existing is not None:
        return existing, False
    if visit.status not in OPEN_STATUSES:
        _refuse_transition(visit, "record no access")
    attempt = NoAccessAttempt(
        visit_id=visit.id,
        recorded_by=actor.id,
        attempted_at=now,
        device_attempted_at=device_time,
        waited_minutes=fields["waited_minutes"],
        required_wait_minutes=visit.contract.standards["no_access_wait_minutes"],
        note=fields.get("note") or None,
        card_left=fields["card_left"],
        card_serial=_card_serial(),
    )
    db.session.add(attempt)
    visit.status = VisitStatus.NO_ACCESS
    _changed(visit)
    db.session.flush()
    sync.visit_record_changed("no_access", attempt.id, 1, visit)
    if attempt.card_left:
        values = {"code": attempt.card_serial, "link": cards.check_url(attempt), "time": _local_time(visit, now)}
        tenant_messages.tell(visit, "no_access_follow_up", now, key=str(visit.id), values=values)
    return attempt, True


def mark_missed(visit_id: uuid.UUID, actor: User, now: datetime, version: int | None = None) -> Visit:
    """The contractor did not turn up (managers); it counts towards the tenant's compensation."""
    visit = _managed_visit(visit_id, actor)
    if visit.status == VisitStatus.MISSED:
        return visit
    visit.expect_version(version)
    if visit.status != VisitStatus.SCHEDULED:
        _refuse_transition(visit, "be marked missed")
    visit.status, visit.missed_at = VisitStatus.MISSED, now
    _changed(visit)
    repair = compensation.for_repair(visit.contract, visit.repair_reference)
    if repair.due:  # told once per repair (the dedupe key), when its misses first pass the allowance
        alerts.compensation_due(visit, repair.missed, repair.allowed, now)
    return visit


def visit_detail(visit_id: uuid.UUID, actor: User, now: datetime) -> Visit:
    """A visit with its checklist, report, no-access record, and which standards it met."""
    visit = get_visible(actor, Visit, visit_id)
    visit.checklist = visit.report.template if visit.report else checklists.current_template(visit.contract_id)
    visit.standard_results = standards.for_visit(visit, now)
    return visit
