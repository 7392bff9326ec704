"""A tenant rates a visit and makes a compliment or a complaint from its feedback page, /f/<code>."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from babel.dates import format_date
from markupsafe import escape

from server.extensions import db
from server.london_time import LONDON
from server.models import Feedback, FeedbackCode, FeedbackKind, VisitStatus
from server.services import feedback
from server.web.pages import WORDING
from tests import factories

JSON = {"Accept": "application/json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
LANGUAGES = {"en": "ltr", "cy": "ltr", "pl": "ltr", "ur": "rtl", "bn": "ltr", "zh-Hant": "ltr"}
UNKNOWN = "ZZZZ2222ZZ"  # in the codes' alphabet, but never issued


@pytest.fixture
def attempt(world):
    return factories.no_access(world.a.visit)


@pytest.fixture
def completed(world):
    """A finished visit, and its feedback code as the satisfaction message would carry it."""
    visit = factories.visit(world.a.contract, world.a.home, world.a.operative, status=VisitStatus.COMPLETED)
    return feedback.code_for(visit, datetime.now(UTC))


def _html(response) -> str:
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def _shown(code: str, key: str, **values) -> str:
    return str(escape(WORDING.text(code, key, **values)))


def _stored() -> list[Feedback]:
    return db.session.scalars(sa.select(Feedback)).all()


def _private(world) -> list[str]:
    """What the feedback page must never say: who lives there, and where."""
    home = world.a.home
    return [home.household.tenant_name, home.street, home.postcode, home.postcode.replace(" ", "")]


def _send(client, code, headers=None, **form):
    data = {"rating": "2", "kind": "complaint", "text": "Mud all over the hall carpet", "lang": "en"} | form
    return client.post(f"/f/{code}", data={k: v for k, v in data.items() if v is not None}, headers=headers)


# The page ---------------------------------------------------------------------------------------------


def test_the_card_page_links_to_the_visits_feedback_page(client, attempt):
    page = _html(client.get(f"/c/{attempt.card_serial}"))

    assert f'href="/f/{attempt.card_serial}?lang=en"' in page


def test_the_page_names_the_visit_but_never_who_lives_there(client, world, attempt):
    page = _html(client.get(f"/f/{attempt.card_serial}"))

    assert f"<h1>{_shown('en', 'feedback_title')}</h1>" in page
    assert world.a.contractor.name in page and world.a.landlord.name in page
    assert _shown("en", "job_repair") in page
    for private in _private(world):
        assert private not in page


def test_the_page_in_json(client, world, completed):
    body = client.get(f"/f/{completed}", headers=JSON).json

    assert body["visit"]["contractor"] == world.a.contractor.name
    assert body["visit"]["landlord"] == world.a.landlord.name
    assert body["visit"]["job"] == "repair"
    assert not any(private in str(body) for private in _private(world))


def test_a_completed_visit_keeps_one_short_code(world, completed):
    visit = db.session.get(FeedbackCode, db.session.scalar(sa.select(FeedbackCode.id))).visit_id
    again = feedback.code_for(db.session.get(type(world.a.visit), visit), datetime.now(UTC))

    assert again == completed and len(completed) == 10
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FeedbackCode)) == 1


@pytest.mark.parametrize("code", [UNKNOWN, "not-a-code!", "x" * 300])
def test_an_unknown_code_is_a_readable_404(client, code):
    page = client.get(f"/f/{code}")
    answer = client.get(f"/f/{code}", headers=JSON)

    assert page.status_code == answer.status_code == 404
    assert _shown("en", "feedback_not_found") in _html(page)
    assert answer.mimetype == "application/problem+json" and answer.json["code"] == "not_found"


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_page_in_each_language(client, attempt, code):
    page = _html(client.get(f"/f/{attempt.card_serial}", query_string={"lang": code}))

    assert re.search(r'<html lang="([^"]+)" dir="([^"]+)">', page).groups() == (code, LANGUAGES[code])
    assert f"<h1>{_shown(code, 'feedback_title')}</h1>" in page
    assert _shown(code, "feedback_complaint") in page


def test_the_browsers_language_is_followed(client, attempt):
    page = _html(client.get(f"/f/{attempt.card_serial}", headers={"Accept-Language": "pl-PL,en;q=0.5"}))

    assert f"<h1>{_shown('pl', 'feedback_title')}</h1>" in page


def test_the_feedback_strings_are_in_every_language():
    english = {key for key in WORDING.languages["en"].text if key.startswith("feedback_")}

    assert len(english) > 20
    for code in LANGUAGES:
        assert english <= WORDING.languages[code].text.keys(), code


# Sending ----------------------------------------------------------------------------------------------


def test_a_complaint_is_stored_once_and_acknowledged_with_its_response_date(client, world, attempt):
    page = _html(_send(client, attempt.card_serial, name="Ann", phone="07700 900123", email="ann@example.org"))

    [stored] = _stored()
    assert (stored.visit_id, stored.kind, stored.rating, stored.text) == (
        world.a.visit.id,
        FeedbackKind.COMPLAINT,
        2,
        "Mud all over the hall carpet",
    )
    assert (stored.name, stored.callback_phone, stored.callback_email, stored.language) == (
        "Ann",
        "07700 900123",
        "ann@example.org",
        "en",
    )
    assert stored.acknowledged_at == stored.created_at
    assert stored.response_due_at > stored.acknowledge_due_at > stored.created_at
    assert world.a.landlord.name in page and stored.id.hex[:8].upper() in page
    for private in _private(world):
        assert private not in page


def test_a_rating_alone_is_kept_as_a_rating(client, completed):
    response = _send(client, completed, kind=None, text=None, rating="5", lang="cy")

    assert response.status_code == 200
    assert _shown("cy", "feedback_thanks") in _html(response)
    [stored] = _stored()
    assert (stored.kind, stored.rating, stored.text, stored.language, stored.response_due_at) == (
        FeedbackKind.RATING,
        5,
        None,
        "cy",
        None,
    )


def test_words_without_a_choice_are_a_comment(client, completed):
    _send(client, completed, kind=None, rating=None, text="The operative was quick")

    assert [(f.kind, f.rating) for f in _stored()] == [(FeedbackKind.COMMENT, None)]


def test_a_compliment_in_json(client, completed):
    response = client.post(f"/f/{completed}", json={"kind": "compliment", "text": "Lovely and tidy", "rating": 5})

    assert response.status_code == 201
    assert response.json["kind"] == "compliment" and response.json["received"] is True
    assert "response_due_at" not in response.json
    assert [f.kind for f in _stored()] == [FeedbackKind.COMPLIMENT]


def test_a_complaint_in_json_says_when_it_will_be_answered(client, completed):
    response = client.post(f"/f/{completed}", json={"kind": "complaint", "text": "Left the water off"})

    assert response.status_code == 201
    [stored] = _stored()
    assert response.json["response_due_at"] == stored.response_due_at.isoformat()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rating", "6"),
        ("rating", "lots"),
        ("text", "x" * 2001),
        ("kind", "threat"),
        ("phone", "12345"),
        ("email", "not an email"),
    ],
)
def test_a_bad_answer_shows_the_form_again_and_stores_nothing(client, attempt, field, value):
    response = _send(client, attempt.card_serial, **{field: value})

    page = _html(response)
    assert response.status_code == 422
    assert _shown("en", "rebook_check_answers") in page
    assert _stored() == []


@pytest.mark.parametrize(
    "form",
    [
        {"rating": None, "kind": None, "text": None},  # nothing said at all
        {"kind": "complaint", "text": ""},  # a complaint needs its words
        {"kind": "rating", "text": "Fine"},  # not a choice the page offers
    ],
)
def test_an_empty_or_wordless_complaint_is_asked_again(client, attempt, form):
    response = _send(client, attempt.card_serial, **form)

    assert response.status_code == 422
    assert _stored() == []


@pytest.mark.parametrize(
    "body", [{"rating": 0}, {"text": "x" * 2001}, {"kind": "complaint"}, {}, {"colour": "red"}, {"text": 7}]
)
def test_bad_json_is_a_problem_and_stores_nothing(client, completed, body):
    response = client.post(f"/f/{completed}", json=body, headers=JSON)

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "validation_failed"
    assert _stored() == []


@pytest.mark.parametrize(("body", "status"), [("{not json", 400), ("[1, 2]", 422), ('"text"', 422)])
def test_a_body_that_is_not_a_json_object_is_a_problem(client, completed, body, status):
    response = client.post(f"/f/{completed}", data=body, content_type="application/json", headers=JSON)

    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert _stored() == []


def test_an_unknown_visit_cannot_be_complained_about(client):
    page = _send(client, UNKNOWN)
    answer = client.post(f"/f/{UNKNOWN}", json={"rating": 3}, headers=JSON)

    assert page.status_code == answer.status_code == 404
    assert _shown("en", "feedback_not_found") in _html(page)
    assert _stored() == []


# Limits and headers -----------------------------------------------------------------------------------


def test_a_household_writes_a_few_times_then_is_told_to_wait(client, completed):
    answers = [_send(client, completed, headers=JSON) for _ in range(4)]

    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    assert answers[-1].json["code"] == "rate_limited"
    assert len(_stored()) == 3


def test_nobody_floods_the_queue_from_one_address(client, world, attempt, completed):
    answers = [_send(client, code) for code in (attempt.card_serial,) * 3 + (completed,) * 3]

    assert [a.status_code for a in answers] == [200, 200, 200, 200, 200, 429]
    assert _shown("en", "feedback_too_many") in _html(answers[-1])
    assert len(_stored()) == 5


def test_a_mistyped_answer_does_not_use_up_the_households_say(client, completed):
    answers = [_send(client, completed, email="nope") for _ in range(2)] + [_send(client, completed) for _ in range(3)]

    assert [a.status_code for a in answers] == [422, 422, 200, 200, 200]


@pytest.mark.parametrize("request_", ["GET /f/{code}", "POST /f/{code}", "GET /f/" + UNKNOWN])
def test_the_pages_are_never_cached_framed_or_referred(client, completed, request_):
    method, path = request_.split()
    response = client.open(path.format(code=completed), method=method, data={}, headers=BROWSER)

    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"


# From the badge page ----------------------------------------------------------------------------------


def _booked_form(world):
    home = world.a.home
    return {"postcode": home.postcode, "house": home.house, "lang": "ur"}


def test_a_yes_on_the_badge_page_leads_to_the_visits_feedback_page(client, world):
    token = factories.badge(world.a.operative).token
    world.a.visit.window_start = datetime.now(UTC)  # today in London, whenever the test runs
    db.session.flush()

    booked = _html(client.post(f"/v/{token}/booked", data=_booked_form(world)))
    assert _shown("ur", "feedback_link") in booked
    response = client.post(f"/v/{token}/feedback", data=_booked_form(world))

    assert response.status_code == 303
    code = db.session.scalar(sa.select(FeedbackCode.code).where(FeedbackCode.visit_id == world.a.visit.id))
    assert response.headers["Location"] == f"/f/{code}?lang=ur"
    assert client.get(response.headers["Location"]).status_code == 200


def test_without_a_booking_there_is_no_feedback_page(client, world):
    token = factories.badge(world.a.operative).token

    response = client.post(f"/v/{token}/feedback", data={"postcode": "ZZ1 1ZZ", "house": "1", "lang": "en"})
    answer = client.post(f"/v/{token}/feedback", json={"postcode": world.a.home.postcode}, headers=JSON)

    assert response.status_code == answer.status_code == 404
    assert answer.json["verdict"] == "not_recognised"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FeedbackCode)) == 0


def test_the_thank_you_gives_the_last_day_for_the_reply(client, world, completed):
    # Complaints made today are due at midnight after their tenth working day: the page names that day.
    answer = client.post(f"/f/{completed}", json={"kind": "complaint", "text": "Left the water off"}).json

    [stored] = _stored()
    day = (stored.response_due_at - timedelta(seconds=1)).astimezone(LONDON).date()
    assert f"reply by {format_date(day, 'long', locale='en_GB')}." in answer["message"]
