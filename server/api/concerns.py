import uuid

from server.api import Blueprint
from server.auth import actor, authenticated
from server.models.base import utcnow
from server.schemas.common import page_of
from server.schemas.concerns import AcknowledgeSchema, ConcernQueryArgsSchema, ConcernSchema, ResolveSchema
from server.services import concerns

bp = Blueprint("concerns", __name__, description="Concerns about homes and households, raised from visits.")


@bp.get("/concerns")
@authenticated
@bp.arguments(ConcernQueryArgsSchema, location="query")
@bp.response(200, page_of(ConcernSchema))
def list_concerns(args):
    """Concerns on the visits you may see, soonest due first; filter by status, category, overdue, due_soon.

    `queue=true` is the managers' queue: unresolved only, safeguarding first, then emergencies, then by due time.
    """
    page = concerns.list_concerns(actor(), args, utcnow(), args["page"], args["per_page"])
    return {"items": page.items, "meta": page.meta}


@bp.get("/concerns/<uuid:concern_id>")
@authenticated
@bp.response(200, ConcernSchema)
def get_concern(concern_id: uuid.UUID):
    return concerns.get_concern(concern_id, actor(), utcnow())


@bp.post("/concerns/<uuid:concern_id>/acknowledge")
@authenticated
@bp.arguments(AcknowledgeSchema)
@bp.response(200, ConcernSchema)
def acknowledge_concern(body, concern_id: uuid.UUID):
    """Say the concern is being acted on (managers)."""
    return concerns.acknowledge(concern_id, body.get("note"), actor(), utcnow())


@bp.post("/concerns/<uuid:concern_id>/resolve")
@authenticated
@bp.arguments(ResolveSchema)
@bp.response(200, ConcernSchema)
def resolve_concern(body, concern_id: uuid.UUID):
    """Close the concern with what was done (managers)."""
    return concerns.resolve(concern_id, body["note"], actor(), utcnow())
