from server.api import Blueprint
from server.auth import actor, authenticated
from server.models.base import utcnow
from server.schemas.reports import RangeArgsSchema, StandardsReportSchema
from server.services import reports

bp = Blueprint("reports", __name__, description="The contract managers' figures against the service standards.")


@bp.get("/reports/standards")
@authenticated
@bp.arguments(RangeArgsSchema, location="query")
@bp.response(200, StandardsReportSchema)
def get_standards_report(args):
    """Each service standard over the visits booked in the range (the last 28 days by default), managers only."""
    return reports.standards_report(actor(), args, utcnow())
