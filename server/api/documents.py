import hashlib
import uuid

from flask import Response, request

from server.api import Blueprint
from server.auth import actor, authenticated
from server.models.base import utcnow
from server.schemas.documents import CallingCardArgsSchema
from server.services import documents, notices

bp = Blueprint("documents", __name__, description="Documents as PDF, with the permissions of the records they draw.")


def _pdf(data: bytes, filename: str) -> Response:
    """The same record gives the same bytes, so a PDF can be cached and compared by its hash."""
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-cache"
    response.set_etag(hashlib.sha256(data).hexdigest())
    return response.make_conditional(request)


@bp.get("/visits/<uuid:visit_id>/calling-card.pdf")
@authenticated
@bp.arguments(CallingCardArgsSchema, location="query")
@bp.response(200, description="The calling card left when nobody answered, as PDF.")
def get_calling_card(args, visit_id: uuid.UUID):
    """The no-access calling card, in the household's language and print size unless asked otherwise."""
    data = documents.calling_card_pdf(visit_id, actor(), args["format"], args.get("large_print"), args.get("lang"))
    return _pdf(data, f"calling-card-{visit_id}.pdf")


@bp.get("/visits/<uuid:visit_id>/report.pdf")
@authenticated
@bp.response(200, description="The visit report for managers, as PDF: times, checklist, standards, concerns, photos.")
def get_visit_report(visit_id: uuid.UUID):
    """The visit as a report to print and file; before the checklist is filed, what is known so far."""
    return _pdf(documents.visit_report_pdf(visit_id, actor(), now=utcnow()), f"visit-report-{visit_id}.pdf")


@bp.get("/visits/<uuid:visit_id>/notice-letter.pdf")
@authenticated
@bp.response(200, description="The notice of planned works as a letter to post to the tenant, as PDF (A4).")
def get_notice_letter(visit_id: uuid.UUID):
    """The planned-works notice to post: in the household's language, in large print if they need it."""
    return _pdf(notices.notice_letter_pdf(visit_id, actor(), now=utcnow()), f"notice-letter-{visit_id}.pdf")


@bp.get("/badges/<uuid:badge_id>/card.pdf")
@authenticated
@bp.response(200, description="The badge card to print (CR80, front and back), as PDF.")
def get_badge_card(badge_id: uuid.UUID):
    """The card the operative wears: photo, name, who sent them, and the QR and code to check it."""
    return _pdf(documents.badge_card_pdf(badge_id, actor()), f"badge-card-{badge_id}.pdf")
