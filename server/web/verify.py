"""The badge check a tenant's phone camera opens: /v/<token>, the short-code form at /v, and the keys.

Pages come in the tenant's language: `?lang=` (kept through the forms), else the browser's.
"""

from babel.dates import format_date, format_time
from flask import Blueprint, jsonify, request, send_file
from marshmallow import ValidationError

from server import errors, wording
from server.extensions import limiter
from server.london_time import LONDON
from server.models import Verdict
from server.models.base import utcnow
from server.schemas.properties import Postcode
from server.services import badge_keys, badges
from server.services.badges import Booking, Verification
from server.web import pages
from server.web.pages import WORDING

bp = Blueprint("verify", __name__, template_folder="templates")
pages.serve_tenants(bp, error_template="error.html", back="/v")

# Enough for a household checking a few times; too few to map where operatives are booked.
_PAGE_LIMIT = "60 per minute"
_BOOKED_LIMIT = "5 per minute;20 per hour"
# And per badge, from any number of addresses: an operative visits a handful of homes a day.
_BOOKED_PER_BADGE_LIMIT = "30 per hour"


def _london_day(moment, language: wording.Language) -> str:
    return format_date(moment.astimezone(LONDON).date(), "long", locale=language.locale)


def _window(booking: Booking, language: wording.Language) -> str:
    start, end = (
        format_time(t.astimezone(LONDON), "HH:mm", locale=language.locale)
        for t in (booking.window_start, booking.window_end)
    )
    return WORDING.text(language.code, "window", start=start, end=end)


def _message(result: Verification, language: wording.Language) -> str:
    return WORDING.text(language.code, "live_code_expired" if result.live_expired else result.verdict.value)


def _as_json(result: Verification) -> dict:
    body = {"verdict": result.verdict.value, "message": _message(result, pages.language()), "live": result.live}
    if result.live:
        body["match_number"] = result.match_number
    if result.badge is not None and result.verdict != Verdict.NOT_RECOGNISED:
        body["operative"] = {
            "name": result.badge.holder,
            "contractor": result.badge.contractor,
            "landlords": [{"name": o.name, "phone": o.phone_office} for o in result.landlords],
            "valid_until": result.badge.expires_at.isoformat(),
            "photo": f"{badges.verify_url(result.badge)}/photo.jpg" if result.shows_photo else None,
        }
    return body


def _answer(result: Verification, token: str | None):
    if pages.wants_json():
        return jsonify(_as_json(result))
    language = pages.language()
    return pages.page(
        "verify.html",
        back=f"/v/{token}" if token else "/v",
        result=result,
        message=_message(result, language),
        token=token,
        valid_until=_london_day(result.badge.expires_at, language) if result.badge else None,
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
    return response


@bp.get("/v")
@limiter.limit(_PAGE_LIMIT)
def short_code_form():
    if pages.wants_json():
        return jsonify({"verdict": Verdict.NOT_RECOGNISED.value, "message": "Send the code under the QR as POST /v."})
    return pages.page("short_code.html", back="/v")


@bp.post("/v")
@limiter.limit(_PAGE_LIMIT)
def check_short_code():
    code = (pages.answers().get("code") or "")[:40]
    return _answer(badges.verify_short_code(str(code), utcnow()), None)


@bp.post("/v/<token>/booked")
@limiter.limit(_BOOKED_LIMIT)
@limiter.limit(_BOOKED_PER_BADGE_LIMIT, key_func=lambda: request.view_args["token"][:160])
def booked(token: str):
    """Is this person booked at my home today? Yes with the time window and job type, or no."""
    data = pages.answers()
    try:
        postcode = Postcode().deserialize(str(data.get("postcode", "")))
    except ValidationError:  # a malformed postcode is simply not a booking
        postcode = None
    booking = badges.booked_today(token, postcode, str(data.get("house", ""))[:100], utcnow())
    language = pages.language()
    if not (request.form and not pages.wants_json()):
        body = {"verdict": booking.verdict.value, "booked": booking.booked}
        if booking.booked:
            body |= {
                "window": _window(booking, language),
                "job": booking.kind,
                "ask_for_doorstep_password": booking.doorstep_password,
            }
        return jsonify(body)
    return pages.page(
        "booked.html", back=f"/v/{token}", booking=booking, window=booking.booked and _window(booking, language)
    )
