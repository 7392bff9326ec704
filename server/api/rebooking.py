import uuid

from server.api import Blueprint
from server.auth import actor, authenticated
from server.models.base import utcnow
from server.schemas.common import page_of
from server.schemas.rebooking import HandleSchema, RebookingQueryArgsSchema, RebookingRequestSchema
from server.services import rebooking

bp = Blueprint("rebooking", __name__, description="Tenants' asks for a new appointment, from calling cards.")


@bp.get("/rebooking-requests")
@authenticated
@bp.arguments(RebookingQueryArgsSchema, location="query")
@bp.response(200, page_of(RebookingRequestSchema))
def list_rebooking_requests(args):
    """Requests on your contracts' visits, newest first (managers and admins); `open=true` for those to handle."""
    page = rebooking.list_requests(actor(), args.get("open"), args["page"], args["per_page"])
    return {"items": page.items, "meta": page.meta}


@bp.post("/rebooking-requests/<uuid:request_id>/handle")
@authenticated
@bp.arguments(HandleSchema)
@bp.response(200, RebookingRequestSchema)
def handle_rebooking_request(body, request_id: uuid.UUID):
    """Mark a request handled, with an optional note (managers and admins)."""
    return rebooking.handle(request_id, body.get("note"), actor(), utcnow())
