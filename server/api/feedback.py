import uuid

from server.api import Blueprint
from server.auth import actor, authenticated
from server.models.base import utcnow
from server.schemas.common import page_of
from server.schemas.feedback import ComplaintQueryArgsSchema, FeedbackQueryArgsSchema, FeedbackSchema, RespondSchema
from server.services import feedback

bp = Blueprint(
    "feedback", __name__, description="Tenants' ratings, compliments and complaints, from a visit's feedback page."
)


@bp.get("/complaints")
@authenticated
@bp.arguments(ComplaintQueryArgsSchema, location="query")
@bp.response(200, page_of(FeedbackSchema))
def list_complaints(args):
    """Complaints on your contracts' visits, soonest response due first (managers and admins); `open=true` to act on."""
    page = feedback.list_complaints(actor(), args, utcnow(), args["page"], args["per_page"])
    return {"items": page.items, "meta": page.meta}


@bp.post("/complaints/<uuid:complaint_id>/respond")
@authenticated
@bp.arguments(RespondSchema)
@bp.response(200, FeedbackSchema)
def respond_to_complaint(body, complaint_id: uuid.UUID):
    """Record the stage 1 response to a complaint, with its note (managers and admins); this closes it."""
    return feedback.respond(complaint_id, body["note"], actor(), utcnow())


@bp.get("/feedback")
@authenticated
@bp.arguments(FeedbackQueryArgsSchema, location="query")
@bp.response(200, page_of(FeedbackSchema))
def list_feedback(args):
    """Everything tenants said on your contracts' visits, newest first: ratings, comments, compliments, complaints."""
    page = feedback.list_feedback(actor(), args, args["page"], args["per_page"])
    return {"items": page.items, "meta": page.meta}
