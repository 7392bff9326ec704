"""A visit's feedback page for tenants: /f/<code>, a rating and a compliment or a complaint.

Reached from the calling card's page (its serial is the code), from the badge page once the tenant has
checked the operative is booked at their home today (POST /v/<token>/feedback), and from the satisfaction
message after a visit (`feedback.feedback_url`). The page names the visit's date, job and organisations:
never who lives there, nor where.
"""

from babel.dates import format_date
from flask import Blueprint, jsonify, redirect, request
from marshmallow import ValidationError

from server import errors
from server.extensions import limiter
from server.london_time import london_date
from server.models import FeedbackKind
from server.models.base import utcnow
from server.schemas.feedback import FeedbackFormSchema
from server.schemas.properties import Postcode
from server.services import cards, feedback
from server.services.feedback import FeedbackVisit
from server.web import pages
from server.web.pages import WORDING

bp = Blueprint("feedback_page", __name__, template_folder="templates")
pages.serve_tenants(bp, error_template="feedback_error.html", back="/c")

_PAGE_LIMIT = "60 per minute"
# A household writes once or twice; nobody may flood the managers' queue.
_SEND_LIMIT = "5 per hour;20 per day"
_SEND_PER_VISIT_LIMIT = "3 per day"
# As the badge page's own booked check: too few to map where operatives are booked.
_BOOKED_LIMIT = "5 per minute;20 per hour"


def _code_key() -> str:
    code = request.view_args["code"]
    return "feedback:" + (cards.normalise_serial(code) or code[:16])


def _day(day) -> str:
    return format_date(day, "long", locale=pages.language().locale)


def _summary(about: FeedbackVisit) -> dict:
    visit = about.visit
    return {
        "date": _day(london_date(visit.window_start)),
        "job": visit.kind.value,
        "contractor": about.contractor,
        "landlord": about.landlord.name,
    }


def _form_page(about: FeedbackVisit, status: int = 200, problems: dict | None = None, form=None):
    return pages.page(
        "feedback.html",
        back=f"/f/{about.code}",
        status=status,
        about=about,
        summary=_summary(about),
        problems=problems or {},
        form=form or {},
    )


def _thanks(entry, about: FeedbackVisit) -> str:
    lang = pages.language().code
    if entry.kind == FeedbackKind.COMPLAINT:
        return WORDING.text(
            lang,
            "feedback_complaint_thanks",
            landlord=about.landlord.name,
            date=_day(feedback.due_day(entry.response_due_at)),
        )
    return WORDING.text(lang, "feedback_thanks")


@bp.get("/f/<code>")
@limiter.limit(_PAGE_LIMIT)
def feedback_form(code: str):
    about = feedback.feedback_visit(code[:40])
    if pages.wants_json():
        return jsonify({"visit": _summary(about), "send": f"POST /f/{about.code}"})
    return _form_page(about)


@bp.post("/f/<code>")
@limiter.limit(_SEND_LIMIT)
@limiter.limit(_SEND_PER_VISIT_LIMIT, key_func=_code_key, deduct_when=lambda response: response.status_code < 400)
def give_feedback(code: str):
    """Keep a tenant's rating, compliment or complaint; a complaint is acknowledged at once."""
    as_form = bool(request.form) and not pages.wants_json()
    try:
        fields = FeedbackFormSchema().load(pages.answers())
    except ValidationError as exc:
        if not as_form:
            raise errors.DomainError("validation_failed", "Some answers are not valid.", exc.messages) from exc
        # The tenant sees the same form again, with what they typed and what to change.
        about = feedback.feedback_visit(code[:40])
        return _form_page(about, status=422, problems=exc.messages, form=request.form)
    entry, about = feedback.give_feedback(code[:40], fields, pages.language().code, utcnow())
    message = _thanks(entry, about)
    if not as_form:
        body = {"received": True, "kind": entry.kind.value, "reference": feedback.reference(entry), "message": message}
        if entry.kind == FeedbackKind.COMPLAINT:
            body |= {
                "acknowledged_at": entry.acknowledged_at.isoformat(),
                "response_due_at": entry.response_due_at.isoformat(),
            }
        return jsonify(body), 201
    return pages.page(
        "feedback_thanks.html",
        back=f"/f/{about.code}",
        about=about,
        message=message,
        reference=feedback.reference(entry),
    )


@bp.post("/v/<token>/feedback")
@limiter.limit(_BOOKED_LIMIT)
def feedback_for_booking(token: str):
    """From the badge page's "yes, booked" answer: the same postcode and house again lead to that visit's page."""
    data = pages.answers()
    try:
        postcode = Postcode().deserialize(str(data.get("postcode", "")))
    except ValidationError:  # a malformed postcode is simply not a booking
        postcode = None
    code = feedback.code_for_booking(token, postcode, str(data.get("house", ""))[:100], utcnow())
    if pages.wants_json() or not request.form:
        return jsonify({"feedback_url": f"/f/{code}"})
    return redirect(f"/f/{code}?lang={pages.language().code}", 303)
