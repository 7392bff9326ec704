import uuid

from server.api import Blueprint
from server.auth import actor, authenticated
from server.models.base import utcnow
from server.schemas.checklists import ReportCreateSchema, ReportSchema
from server.schemas.common import page_of
from server.schemas.concerns import ConcernCreateSchema, ConcernSchema
from server.schemas.notices import NoticeCreateSchema, NoticeSchema
from server.schemas.visits import (
    CancelSchema,
    DoorstepPasswordSchema,
    FieldEventSchema,
    MissedSchema,
    NoAccessCreateSchema,
    NoAccessSchema,
    ReassignSchema,
    RescheduleSchema,
    RunningLateSchema,
    VisitCreateSchema,
    VisitDetailSchema,
    VisitQueryArgsSchema,
    VisitSchema,
)
from server.services import concerns, notices, properties, visits

bp = Blueprint("visits", __name__, description="Booked visits to tenants' homes.")


@bp.get("/visits")
@authenticated
@bp.arguments(VisitQueryArgsSchema, location="query")
@bp.response(200, page_of(VisitSchema))
def list_visits(args):
    """Visits you may see, soonest first: your own (operatives), your contracts' (managers)."""
    page = visits.list_visits(actor(), args, args["page"], args["per_page"])
    return {"items": page.items, "meta": page.meta}


@bp.post("/visits")
@authenticated
@bp.arguments(VisitCreateSchema)
@bp.response(201, VisitSchema)
def create_visit(body):
    """Book a visit on one of your contracts (managers and admins)."""
    visit = visits.create_visit(body, actor=actor(), now=utcnow())
    return visit, 201, {"Location": f"/api/v1/visits/{visit.id}"}


@bp.get("/visits/<uuid:visit_id>")
@authenticated
@bp.response(200, VisitDetailSchema)
def get_visit(visit_id: uuid.UUID):
    """A visit with its checklist, report, no-access record, and which standards it met."""
    return visits.visit_detail(visit_id, actor(), now=utcnow())


@bp.post("/visits/<uuid:visit_id>/reschedule")
@authenticated
@bp.arguments(RescheduleSchema)
@bp.response(200, VisitSchema)
def reschedule_visit(body, visit_id: uuid.UUID):
    """Move a scheduled visit to a new window."""
    return visits.reschedule_visit(
        visit_id, body["window_start"], body["window_end"], actor(), body.get("version"), now=utcnow()
    )


@bp.post("/visits/<uuid:visit_id>/reassign")
@authenticated
@bp.arguments(ReassignSchema)
@bp.response(200, VisitSchema)
def reassign_visit(body, visit_id: uuid.UUID):
    """Give an open visit to another operative (or none); the first one's tablet loses it."""
    return visits.reassign_visit(visit_id, body["operative_id"], actor(), body.get("version"))


@bp.post("/visits/<uuid:visit_id>/cancel")
@authenticated
@bp.arguments(CancelSchema)
@bp.response(200, VisitSchema)
def cancel_visit(body, visit_id: uuid.UUID):
    """Cancel an open visit, with the reason, and whether the tenant asked for it; the tenant is told."""
    return visits.cancel_visit(
        visit_id, body["reason"], actor(), body.get("version"), by_tenant=body["by_tenant"], now=utcnow()
    )


@bp.post("/visits/<uuid:visit_id>/planned-works-notice")
@authenticated
@bp.arguments(NoticeCreateSchema)
@bp.response(200, NoticeSchema)
def give_planned_works_notice(body, visit_id: uuid.UUID):
    """Tell the tenant about their planned works now: a message if they agreed to one, else a letter to post."""
    return notices.give_notice(visit_id, actor(), utcnow(), body.get("short_notice_reason"), body.get("version"))


@bp.get("/visits/<uuid:visit_id>/doorstep-password")
@authenticated
@bp.response(200, DoorstepPasswordSchema)
def get_doorstep_password(visit_id: uuid.UUID):
    """The household's doorstep password, for the assigned operative on the visit day (logged)."""
    return {"doorstep_password": properties.release_doorstep_password(visit_id, actor(), now=utcnow())}


@bp.post("/visits/<uuid:visit_id>/arrive")
@authenticated
@bp.arguments(FieldEventSchema)
@bp.response(200, VisitSchema)
def arrive(body, visit_id: uuid.UUID):
    """The assigned operative is at the door (server time recorded; the tablet's kept beside it)."""
    return visits.arrive(visit_id, actor(), now=utcnow(), recorded_at=body.get("recorded_at"))


@bp.post("/visits/<uuid:visit_id>/running-late")
@authenticated
@bp.arguments(RunningLateSchema)
@bp.response(200, VisitSchema)
def mark_running_late(body, visit_id: uuid.UUID):
    """The assigned operative now expects to arrive at `expected_at`; the tenant is told if it is late or early."""
    return visits.mark_running_late(visit_id, body["expected_at"], actor(), now=utcnow())


@bp.post("/visits/<uuid:visit_id>/id-shown")
@authenticated
@bp.arguments(FieldEventSchema)
@bp.response(200, VisitSchema)
def show_id(body, visit_id: uuid.UUID):
    """The operative showed their ID card before going in."""
    return visits.show_id(visit_id, actor(), now=utcnow(), recorded_at=body.get("recorded_at"))


@bp.post("/visits/<uuid:visit_id>/report")
@authenticated
@bp.arguments(ReportCreateSchema)
@bp.response(201, ReportSchema)
@bp.alt_response(200, schema=ReportSchema, description="The same report again: nothing changed.")
def report_visit(body, visit_id: uuid.UUID):
    """File the checklist answers, completing the visit; answers are checked against its template."""
    report, created = visits.complete(
        visit_id, body["answers"], actor(), now=utcnow(), recorded_at=body.get("recorded_at")
    )
    return report, 201 if created else 200


@bp.post("/visits/<uuid:visit_id>/no-access")
@authenticated
@bp.arguments(NoAccessCreateSchema)
@bp.response(201, NoAccessSchema)
@bp.alt_response(200, schema=NoAccessSchema, description="Already recorded: the first record stands.")
def record_no_access(body, visit_id: uuid.UUID):
    """Nobody answered the door: the wait, a note, and the calling card left."""
    attempt, created = visits.record_no_access(visit_id, body, actor(), now=utcnow())
    return attempt, 201 if created else 200


@bp.post("/visits/<uuid:visit_id>/missed")
@authenticated
@bp.arguments(MissedSchema)
@bp.response(200, VisitSchema)
def mark_missed(body, visit_id: uuid.UUID):
    """The contractor did not turn up (managers); it counts towards compensation."""
    return visits.mark_missed(visit_id, actor(), now=utcnow(), version=body.get("version"))


@bp.post("/visits/<uuid:visit_id>/concerns")
@authenticated
@bp.arguments(ConcernCreateSchema)
@bp.response(201, ConcernSchema)
@bp.alt_response(200, schema=ConcernSchema, description="The same concern again (same id): nothing changed.")
def raise_concern(body, visit_id: uuid.UUID):
    """Raise a concern about the home or household; its due date follows the contract's rules."""
    concern, created = concerns.raise_concern(visit_id, body, actor(), now=utcnow())
    return concern, 201 if created else 200
