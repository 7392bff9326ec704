"""The badge check a tenant's phone camera opens: /v/<token>, the short-code form at /v, and the keys."""

from flask import Blueprint, jsonify, render_template, request, send_file
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from server import errors
from server.extensions import limiter
from server.models import Verdict
from server.models.base import utcnow
from server.schemas.properties import Postcode
from server.services import badge_keys, badges
from server.services.badges import Verification

bp = Blueprint("verify", __name__, template_folder="templates")

# Enough for a household checking a few times; too few to map where operatives are booked.
_PAGE_LIMIT = "60 per minute"
_BOOKED_LIMIT = "5 per minute;20 per hour"

MESSAGES = {
    Verdict.GENUINE: "This badge is genuine.",
    Verdict.REVOKED: "This badge has been cancelled. Do not let this person in.",
    Verdict.SUSPENDED: "This badge is suspended. Do not let this person in.",
    Verdict.EXPIRED: "This badge has expired. Do not let this person in.",
    Verdict.NOT_RECOGNISED: "We do not recognise this badge. Do not let this person in.",
}


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


@bp.errorhandler(HTTPException)
@bp.errorhandler(errors.DomainError)
def _error(exc):
    """A tenant's browser gets a page it can read (and phone from); anything else gets problem+json."""
    response = errors.from_exception(exc)
    if _wants_json():
        return response
    return render_template("error.html", status=response.status_code), response.status_code


def _as_json(result: Verification) -> dict:
    body = {"verdict": result.verdict.value, "message": MESSAGES[result.verdict], "live": result.live}
    if result.live:
        body["match_number"] = result.match_number
    if result.live_expired:
        body["message"] = "This code has expired. Ask to see the live badge on their tablet."
    if result.badge is not None and result.verdict != Verdict.NOT_RECOGNISED:
        user = result.badge.user
        body["operative"] = {
            "name": user.name,
            "contractor": user.organisation.name,
            "landlords": [{"name": o.name, "phone": o.phone_office} for o in result.landlords],
            "valid_until": result.badge.expires_at.isoformat(),
            "photo": f"{badges.verify_url(result.badge)}/photo.jpg" if result.shows_photo else None,
        }
    return body


def _answer(result: Verification, token: str | None):
    if _wants_json():
        return jsonify(_as_json(result))
    return render_template(
        "verify.html",
        result=result,
        message=MESSAGES[result.verdict],
        token=token,
        valid_until=badges.london_day(result.badge.expires_at) if result.badge else None,
    )


@bp.get("/.well-known/jwks.json")
@limiter.exempt
def jwks():
    """The public keys that verify badges, for anyone who wants to check one independently."""
    response = jsonify(badge_keys.jwks())
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/v/<token>")
@limiter.limit(_PAGE_LIMIT)
def verify(token: str):
    return _answer(badges.verify_token(token, utcnow(), live=request.args.get("live")), token)


@bp.get("/v/<token>/photo.jpg")
@limiter.limit(_PAGE_LIMIT)
def photo(token: str):
    """A genuine badge's photo, for its page. Revalidated on every view, so a revoked badge's photo goes at once."""
    found = badges.photo_path(token, utcnow())
    if found is None:
        raise errors.NotFound("No photo is shown for this badge.")
    path, sha256 = found
    response = send_file(path, mimetype="image/jpeg", conditional=True, etag=sha256, max_age=0)
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/v")
@limiter.limit(_PAGE_LIMIT)
def short_code_form():
    if _wants_json():
        return jsonify({"verdict": Verdict.NOT_RECOGNISED.value, "message": "Send the code under the QR as POST /v."})
    return render_template("short_code.html", error=None)


@bp.post("/v")
@limiter.limit(_PAGE_LIMIT)
def check_short_code():
    code = (request.form.get("code") or (request.get_json(silent=True) or {}).get("code") or "")[:40]
    return _answer(badges.verify_short_code(str(code), utcnow()), None)


@bp.post("/v/<token>/booked")
@limiter.limit(_BOOKED_LIMIT)
def booked(token: str):
    """Is this person booked at my home today? Yes with the time window and job type, or no."""
    data = request.form if request.form else (request.get_json(silent=True) or {})
    try:
        postcode = Postcode().deserialize(str(data.get("postcode", "")))
    except ValidationError:  # a malformed postcode is simply not a booking
        postcode = None
    house = str(data.get("house", ""))[:100]
    answer = badges.booked_today(token, postcode, house, utcnow()) if postcode and house.strip() else None
    booking = answer or badges.Booking(False)
    body = {"booked": booking.booked}
    if booking.booked:
        body |= {
            "window": f"{badges.london_time(booking.window_start)} to {badges.london_time(booking.window_end)}",
            "job": booking.kind,
            "ask_for_doorstep_password": booking.doorstep_password,
        }
    if _wants_json() or not request.form:
        return jsonify(body)
    return render_template("booked.html", booking=booking, body=body, token=token)
