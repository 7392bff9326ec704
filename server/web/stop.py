"""The "stop these messages" page a tenant's message links to: /o/<code>, one question and one button.

Every message to a tenant ends with this link (`tenant_messages.stop_link`). The page is in the household's
language unless the reader picks another, and names only the landlord: the link may have been forwarded,
so never who lives there, nor where. Stopping cancels the messages still waiting; the landlord's office
starts them again by recording the tenant's consent anew.
"""

from flask import Blueprint, jsonify

from server.extensions import limiter
from server.models import Household, Organisation
from server.models.base import utcnow
from server.services import properties
from server.web import pages
from server.web.pages import WORDING

bp = Blueprint("stop", __name__, template_folder="templates")
pages.serve_tenants(bp, error_template="stop_error.html", back="/c")

# As the other tenant pages: plenty for a household, far too few to try codes.
_PAGE_LIMIT = "60 per minute"
_STOP_LIMIT = "10 per hour;30 per day"


def _page(household: Household, landlord: Organisation, code: str):
    return pages.page(
        "stop.html",
        back=f"/o/{code}",
        preferred=household.preferred_language,
        code=code,
        landlord=landlord,
        stopped=household.messages_stopped_at is not None,
    )


def _as_json(household: Household, landlord: Organisation, code: str) -> dict:
    stopped = household.messages_stopped_at
    body = {"landlord": landlord.name, "stopped": stopped is not None}
    if stopped is None:
        return body | {"stop": f"POST /o/{code}"}
    lang = pages.language(household.preferred_language).code
    message = WORDING.text(lang, "stop_done_detail", landlord=landlord.name)
    return body | {"stopped_at": stopped.isoformat(), "message": message}


@bp.get("/o/<code>")
@limiter.limit(_PAGE_LIMIT)
def stop_form(code: str):
    household, landlord = properties.household_to_stop(code[:16])
    if pages.wants_json():
        return jsonify(_as_json(household, landlord, code[:16]))
    return _page(household, landlord, code[:16])


@bp.post("/o/<code>")
@limiter.limit(_STOP_LIMIT)
def stop(code: str):
    """No more messages to this household about visits; those still waiting are cancelled."""
    household, landlord = properties.stop_messages(code[:16], utcnow())
    if pages.wants_json():
        return jsonify(_as_json(household, landlord, code[:16]))
    return _page(household, landlord, code[:16])
