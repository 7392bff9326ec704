from flask import request

from server.api import Blueprint
from server.api.exports import csv_response
from server.auth import actor, authenticated
from server.models.base import utcnow
from server.schemas.reports import StandardsReportArgsSchema, StandardsReportSchema
from server.services import exports, reports

bp = Blueprint("reports", __name__, description="The contract managers' figures against the service standards.")

_CSV_DOC = {
    "schema": {
        "type": "string",
        "description": "With `?format=csv` or `Accept: text/csv`: the same figures as a spreadsheet (UTF-8 with a byte "
        "order mark), a row a standard with the columns key, label, target, achieved, met, total, missed_count; "
        "an attachment named for the range.",
    },
}


def _wants_csv(args: dict) -> bool:
    if "format" in args:
        return args["format"] == "csv"
    # JSON unless the client prefers CSV: no Accept header, or */*, reads as JSON.
    return request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv"


@bp.get("/reports/standards")
@authenticated
@bp.arguments(StandardsReportArgsSchema, location="query")
@bp.response(200, StandardsReportSchema)
@bp.doc(responses={200: {"content": {"text/csv": _CSV_DOC}}})
def get_standards_report(args):
    """Each service standard over the visits booked in the range (the last 28 days by default), managers only."""
    if _wants_csv(args):
        return csv_response(*exports.standards_csv(actor(), args, utcnow()), streamed=False)  # a row a standard
    return reports.standards_report(actor(), args, utcnow())
