from server.api import Blueprint
from server.auth import actor, authenticated
from server.schemas.common import page_of
from server.schemas.messages import MessageQueryArgsSchema, MessageSchema
from server.services import messages

bp = Blueprint("messages", __name__, description="The outbox: emails and text messages, and whether they went.")


@bp.get("/messages")
@authenticated
@bp.arguments(MessageQueryArgsSchema, location="query")
@bp.response(200, page_of(MessageSchema))
def list_messages(args):
    """Your organisation's messages, newest first, with each one's state (managers and admins); filter by state."""
    page = messages.list_messages(actor(), args, args["page"], args["per_page"])
    return {"items": page.items, "meta": page.meta}
