import uuid

from server.api import Blueprint
from server.auth import actor, authenticated
from server.models import Visit
from server.models.base import utcnow
from server.schemas.common import page_of
from server.schemas.visits import (
    CancelSchema,
    DoorstepPasswordSchema,
    ReassignSchema,
    RescheduleSchema,
    VisitCreateSchema,
    VisitQueryArgsSchema,
    VisitSchema,
)
from server.services import properties, visits
from server.services.access import get_visible

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
    visit = visits.create_visit(body, actor=actor())
    return visit, 201, {"Location": f"/api/v1/visits/{visit.id}"}


@bp.get("/visits/<uuid:visit_id>")
@authenticated
@bp.response(200, VisitSchema)
def get_visit(visit_id: uuid.UUID):
    return get_visible(actor(), Visit, visit_id)


@bp.post("/visits/<uuid:visit_id>/reschedule")
@authenticated
@bp.arguments(RescheduleSchema)
@bp.response(200, VisitSchema)
def reschedule_visit(body, visit_id: uuid.UUID):
    """Move a scheduled visit to a new window."""
    return visits.reschedule_visit(visit_id, body["window_start"], body["window_end"], actor(), body.get("version"))


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
    """Cancel an open visit, with the reason."""
    return visits.cancel_visit(visit_id, body["reason"], actor(), body.get("version"))


@bp.get("/visits/<uuid:visit_id>/doorstep-password")
@authenticated
@bp.response(200, DoorstepPasswordSchema)
def get_doorstep_password(visit_id: uuid.UUID):
    """The household's doorstep password, for the assigned operative on the visit day (logged)."""
    return {"doorstep_password": properties.release_doorstep_password(visit_id, actor(), now=utcnow())}
