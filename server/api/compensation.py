from server.api import Blueprint
from server.auth import actor, authenticated
from server.models.base import utcnow
from server.schemas.common import PageArgsSchema, page_of
from server.schemas.compensation import CompensationClaimCreateSchema, RepairCompensationSchema
from server.services import compensation

bp = Blueprint("compensation", __name__, description="Compensation for repeatedly missed appointments.")


@bp.get("/compensation")
@authenticated
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_of(RepairCompensationSchema))
def list_compensation_due(args):
    """Repairs whose appointments were missed more often than the contract allows (managers)."""
    page = compensation.list_due(actor(), args["page"], args["per_page"])
    return {"items": page.items, "meta": page.meta}


@bp.post("/compensation/claims")
@authenticated
@bp.arguments(CompensationClaimCreateSchema)
@bp.response(201, RepairCompensationSchema)
def record_compensation_claim(body):
    """Record the tenant's lost earnings for a repair that is due compensation; capped per day."""
    return compensation.record_claim(body, actor(), utcnow())
