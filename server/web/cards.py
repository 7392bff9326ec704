"""The calling card's public page a tenant's phone opens: /c/<code>, the code form at /c, and rebooking.

Scammers leave fake "sorry we missed you" cards: this page says whether a card is one we printed, and
offers the landlord's own numbers and a way to ask for a new appointment. Never who lives there.
"""

from babel.dates import format_date, format_time
from flask import Blueprint, jsonify, request
from marshmallow import ValidationError

from server import errors
from server.extensions import limiter
from server.london_time import LONDON
from server.models import Verdict
from server.models.base import utcnow
from server.schemas.rebooking import RebookingFormSchema
from server.services import cards, rebooking
from server.services.cards import Card
from server.web import pages
from server.web.pages import WORDING

bp = Blueprint("cards", __name__, template_folder="templates")
pages.serve_tenants(bp, error_template="card_error.html", back="/c")

_PAGE_LIMIT = "60 per minute"
# A household asks once or twice; nobody may flood the office with requests.
_REBOOK_LIMIT = "5 per hour;20 per day"
_REBOOK_PER_CARD_LIMIT = "3 per day"


def _card_key() -> str:
    code = request.view_args["code"]
    return "card:" + (cards.normalise_serial(code) or code[:16])


def _when(card: Card) -> tuple[str, str]:
    """The date and time of the call, in London, in the reader's language."""
    called = card.attempt.attempted_at.astimezone(LONDON)
    locale = pages.language().locale
    return format_date(called.date(), "long", locale=locale), format_time(called, "HH:mm", locale=locale)


def _message(card: Card) -> str:
    return WORDING.text(pages.language().code, "card_" + card.verdict.value)


def _as_json(card: Card) -> dict:
    message = _message(card)
    if not card.genuine:
        message += " " + WORDING.text(pages.language().code, "card_do_not_call")
    body = {"verdict": card.verdict.value, "message": message}
    if card.genuine:
        date, time = _when(card)
        landlord = card.landlord
        body["attempt"] = {
            "date": date,
            "time": time,
            "called_at": card.attempt.attempted_at.isoformat(),
            "operative": card.operative,
            "contractor": card.contractor,
            "landlord": landlord.name,
            "job": card.visit.kind.value,
            "reference": card.visit.repair_reference,
        }
        body["landlord"] = {
            "name": landlord.name,
            "phone_office": landlord.phone_office,
            "phone_out_of_hours": landlord.phone_out_of_hours,
            "email": landlord.email,
        }
    return body


def _card_page(card: Card, code: str | None, status: int = 200, problems: dict | None = None, form=None):
    date, time = _when(card) if card.genuine else (None, None)
    return pages.page(
        "card.html",
        back=f"/c/{code}" if code and card.genuine else "/c",
        status=status,
        card=card,
        message=_message(card),
        code=card.attempt.card_serial if card.genuine else None,
        date=date,
        time=time,
        problems=problems or {},
        form=form or {},
    )


def _answer(card: Card, code: str | None):
    if pages.wants_json():
        return jsonify(_as_json(card))
    return _card_page(card, code)


@bp.get("/c")
@limiter.limit(_PAGE_LIMIT)
def card_code_form():
    if pages.wants_json():
        return jsonify({"verdict": Verdict.NOT_RECOGNISED.value, "message": "Send the code on the card as POST /c."})
    return pages.page("card_code.html", back="/c")


@bp.post("/c")
@limiter.limit(_PAGE_LIMIT)
def check_card_code():
    code = pages.answers().get("code") or ""
    return _answer(cards.check_card(str(code)[:40], "code", utcnow()), None)


@bp.get("/c/<code>")
@limiter.limit(_PAGE_LIMIT)
def card(code: str):
    return _answer(cards.check_card(code[:40], "qr", utcnow()), code)


@bp.post("/c/<code>/rebook")
@limiter.limit(_REBOOK_LIMIT)
@limiter.limit(_REBOOK_PER_CARD_LIMIT, key_func=_card_key, deduct_when=lambda response: response.status_code < 400)
def rebook(code: str):
    """Ask for a new appointment: the landlord's managers see it as a rebooking request."""
    try:
        fields = RebookingFormSchema().load(pages.answers())
    except ValidationError as exc:
        if pages.wants_json() or not request.form:
            raise errors.DomainError("validation_failed", "Some answers are not valid.", exc.messages) from exc
        # The tenant sees the same form again, with what they typed and what to change.
        return _card_page(cards.genuine_card(code), code, status=422, problems=exc.messages, form=request.form)
    _request, card = rebooking.request_rebooking(code, fields, pages.language().code, utcnow())
    thanks = WORDING.text(pages.language().code, "rebook_thanks", landlord=card.landlord.name)
    if pages.wants_json() or not request.form:
        return jsonify({"verdict": card.verdict.value, "requested": True, "message": thanks}), 201
    return pages.page("card_thanks.html", back=f"/c/{card.attempt.card_serial}", card=card, message=thanks)
