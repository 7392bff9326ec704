from flask import Response, stream_with_context

from server.api import Blueprint
from server.auth import actor, authenticated
from server.models.base import utcnow
from server.schemas.reports import RangeArgsSchema
from server.services import exports

bp = Blueprint("exports", __name__, description="Visits and concerns as CSV for a spreadsheet, streamed.")


def csv_response(filename: str, chunks, *, streamed: bool = True) -> Response:
    """A CSV attachment, never cached; streamed unless it is small enough to send at once."""
    response = Response(stream_with_context(chunks) if streamed else "".join(chunks), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.mimetype_params["charset"] = "utf-8"
    return response


@bp.get("/exports/visits.csv")
@authenticated
@bp.arguments(RangeArgsSchema, location="query")
@bp.response(200, description="The visits booked in the range, a row each with its standards met yes or no.")
def export_visits(args):
    """Visits booked in the range (the last 28 days by default) as CSV, times in Europe/London; managers only."""
    return csv_response(*exports.visits_csv(actor(), args, utcnow()))


@bp.get("/exports/concerns.csv")
@authenticated
@bp.arguments(RangeArgsSchema, location="query")
@bp.response(200, description="The concerns raised on visits booked in the range, a row each.")
def export_concerns(args):
    """Concerns on visits booked in the range as CSV; special-category text only for those who may read it."""
    return csv_response(*exports.concerns_csv(actor(), args, utcnow()))
