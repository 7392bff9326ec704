"""A tenant checks a calling card left at their door, and asks for a new appointment from it."""

import re
import subprocess
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from markupsafe import escape

from server.extensions import db
from server.models import CardCheck, RebookingRequest, VisitStatus
from server.web.pages import WORDING
from tests import factories, tools

JSON = {"Accept": "application/json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
LANGUAGES = {"en": "ltr", "cy": "ltr", "pl": "ltr", "ur": "rtl", "bn": "ltr", "zh-Hant": "ltr"}
UNKNOWN = "ZZZZ2222"  # in the serials' alphabet, but never issued


@pytest.fixture
def attempt(world):
    return factories.no_access(world.a.visit)


def _path(attempt) -> str:
    return f"/c/{attempt.card_serial}"


def _html(response) -> str:
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def _shown(code: str, key: str, **values) -> str:
    return str(escape(WORDING.text(code, key, **values)))


def _requests() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(RebookingRequest))


def _checks(attempt_id) -> int:
    query = sa.select(sa.func.count()).select_from(CardCheck)
    where = CardCheck.attempt_id.is_(None) if attempt_id is None else CardCheck.attempt_id == attempt_id
    return db.session.scalar(query.where(where))


def _private(world) -> list[str]:
    """What the card's page must never say: who lives there, and where."""
    home = world.a.home
    return [home.household.tenant_name, home.street, home.postcode, home.postcode.replace(" ", "")]


# The verdict ------------------------------------------------------------------------------------------


def test_a_genuine_card_says_who_called_when_and_why(client, world, attempt):
    attempt.attempted_at = datetime(2026, 7, 1, 9, 5, tzinfo=UTC)  # 10:05 in London (summer time)
    world.a.landlord.email = "repairs@landlord.example"
    db.session.flush()

    body = client.get(_path(attempt), headers=JSON).json

    assert body["verdict"] == "genuine"
    assert body["attempt"] == {
        "date": "1 July 2026",
        "time": "10:05",
        "called_at": "2026-07-01T09:05:00+00:00",
        "operative": world.a.operative.name,
        "contractor": world.a.contractor.name,
        "landlord": world.a.landlord.name,
        "job": "repair",
        "reference": world.a.visit.repair_reference,
    }
    assert body["landlord"] == {
        "name": world.a.landlord.name,
        "phone_office": world.a.landlord.phone_office,
        "phone_out_of_hours": world.a.landlord.phone_out_of_hours,
        "email": "repairs@landlord.example",
    }


def test_the_page_shows_the_visit_and_the_landlords_numbers_to_check(client, world, attempt):
    page = _html(client.get(_path(attempt)))

    assert f"<h1>{_shown('en', 'card_genuine')}</h1>" in page
    for said in (world.a.operative.name, world.a.contractor.name, world.a.visit.repair_reference):
        assert str(escape(said)) in page
    assert world.a.landlord.phone_office in page and world.a.landlord.phone_out_of_hours in page
    assert _shown("en", "check_number") in page
    assert len(page.encode()) < 12_000  # a few KB on a poor signal


def test_never_the_tenants_name_or_address(client, world, attempt):
    world.a.home.household.phone = "01284 765 432"
    db.session.flush()

    said = [
        client.get(_path(attempt)).get_data(as_text=True),
        client.get(_path(attempt), headers=JSON).get_data(as_text=True),
    ]

    for private in [*_private(world), "01284 765 432"]:
        assert not any(private in text for text in said), private


def test_an_unknown_card_says_plainly_not_to_call_its_numbers(client):
    page = _html(client.get(f"/c/{UNKNOWN}"))
    body = client.get(f"/c/{UNKNOWN}", headers=JSON).json

    assert f"<h1>{_shown('en', 'card_not_recognised')}</h1>" in page
    assert "Do not call numbers printed on it" in page
    assert "<form" not in page  # nothing to ask a fake card for
    assert body.keys() == {"verdict", "message"}
    assert body["verdict"] == "not_recognised"
    assert "rent statement or letters" in body["message"]


@pytest.mark.parametrize("code", ["%00", "x" * 300, "0O1IL", "../../etc"])
def test_anything_else_in_the_address_is_simply_not_recognised(client, code):
    response = client.get(f"/c/{code}", headers=JSON)

    assert response.status_code in (200, 400, 404)
    assert response.json["verdict"] == "not_recognised"


@pytest.mark.parametrize("status", [VisitStatus.COMPLETED, VisitStatus.SCHEDULED, VisitStatus.CANCELLED])
def test_a_card_stays_genuine_after_its_visit_moves_on(client, world, attempt, status):
    world.a.visit.status = status  # completed later, rebooked, or cancelled: the card was really left
    db.session.flush()

    assert client.get(_path(attempt), headers=JSON).json["verdict"] == "genuine"


def test_the_code_typed_as_read_off_the_card(client, attempt):
    typed = f" {attempt.card_serial[:4].lower()} - {attempt.card_serial[4:]} "

    by_form = client.post("/c", data={"code": typed}, headers=JSON).json
    by_address = client.get(f"/c/{attempt.card_serial.lower()}", headers=JSON).json

    assert by_form["verdict"] == by_address["verdict"] == "genuine"


def test_the_code_form(client):
    page = _html(client.get("/c"))

    assert _shown("en", "card_code_label") in page
    assert client.get("/c", headers=JSON).json["verdict"] == "not_recognised"


def test_each_check_is_counted_and_no_address_kept(client, attempt):
    client.get(_path(attempt))
    client.post("/c", data={"code": attempt.card_serial})
    client.get(f"/c/{UNKNOWN}")

    assert _checks(attempt.id) == 2
    assert _checks(None) == 1  # fake cards going round show up here
    assert {c.name for c in CardCheck.__table__.columns} == {"id", "attempt_id", "checked_at", "verdict", "via"}


# Languages --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_card_page_in_each_language(client, attempt, code):
    page = _html(client.get(_path(attempt), query_string={"lang": code}))

    assert re.search(r'<html lang="([^"]+)" dir="([^"]+)">', page).groups() == (code, LANGUAGES[code])
    assert f"<h1>{_shown(code, 'card_genuine')}</h1>" in page
    assert _shown(code, "rebook_title") in page


def test_the_browsers_language_is_followed(client, attempt):
    page = _html(client.get(_path(attempt), headers={"Accept-Language": "cy-GB,en;q=0.5"}))

    assert f"<h1>{_shown('cy', 'card_genuine')}</h1>" in page


def test_the_card_strings_are_in_every_language():
    english = {key for key in WORDING.languages["en"].text if key.startswith(("card_", "rebook_"))}

    for code in LANGUAGES:
        assert english <= WORDING.languages[code].text.keys(), code


# Asking for a new appointment -------------------------------------------------------------------------


def _rebook(client, attempt, headers=None, **form):
    data = {"preferred_times": "mornings", "details": "Not Tuesdays", "phone": "07700 900123", "lang": "en"} | form
    return client.post(
        f"{_path(attempt)}/rebook", data={k: v for k, v in data.items() if v is not None}, headers=headers
    )


def test_asking_for_a_new_appointment_stores_one_request_and_says_thank_you(client, world, attempt):
    page = _html(_rebook(client, attempt, details="Any day after 3 pm, not Tuesdays"))

    assert _shown("en", "rebook_thanks", landlord=world.a.landlord.name) in page
    stored = db.session.scalars(sa.select(RebookingRequest)).all()
    assert len(stored) == 1
    request = stored[0]
    assert (request.attempt_id, request.visit_id) == (attempt.id, world.a.visit.id)
    assert (request.preferred_times, request.details, request.callback_phone) == (
        "mornings",
        "Any day after 3 pm, not Tuesdays",
        "07700 900123",
    )
    assert request.handled_at is None and request.created_at is not None


def test_every_answer_may_be_left_empty(client, attempt):
    response = _rebook(client, attempt, preferred_times=None, details="", phone="", lang="pl")

    assert response.status_code == 200
    request = db.session.scalars(sa.select(RebookingRequest)).one()
    assert (request.preferred_times, request.details, request.callback_phone, request.language) == (
        None,
        None,
        None,
        "pl",
    )


def test_asking_in_json(client, world, attempt):
    response = client.post(f"{_path(attempt)}/rebook", json={"preferred_times": "any_time", "phone": "+44 7700 900123"})

    assert response.status_code == 201
    assert response.json["verdict"] == "genuine"
    assert world.a.landlord.name in response.json["message"]
    assert _requests() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "12345"),
        ("phone", "call me maybe"),
        ("phone", "+33 1 23 45 67 89"),  # not a UK number
        ("details", "x" * 501),
        ("preferred_times", "midnight"),
    ],
)
def test_a_bad_answer_shows_the_form_again_and_stores_nothing(client, attempt, field, value):
    response = _rebook(client, attempt, **{field: value})

    page = _html(response)
    assert response.status_code == 422
    assert _shown("en", "rebook_check_answers") in page
    assert 'aria-invalid="true"' in page or field == "preferred_times"
    assert _requests() == 0


@pytest.mark.parametrize(
    "body",
    [{"phone": "12345"}, {"details": "x" * 501}, {"preferred_times": "soon"}, {"colour": "red"}, {"details": 7}],
)
def test_bad_json_is_a_problem_with_a_verdict_and_stores_nothing(client, attempt, body):
    response = client.post(f"{_path(attempt)}/rebook", json=body, headers=JSON)

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "validation_failed"
    assert response.json["verdict"] == "not_recognised"
    assert _requests() == 0


@pytest.mark.parametrize(("body", "status"), [("{not json", 400), ("[1, 2]", 422), ('"text"', 422), ("null", 400)])
@pytest.mark.parametrize("path", ["/c", "/c/{serial}/rebook"])
def test_a_body_that_is_not_a_json_object_is_a_problem_and_stores_nothing(client, attempt, body, status, path):
    response = client.post(
        path.format(serial=attempt.card_serial), data=body, content_type="application/json", headers=JSON
    )

    assert response.status_code == status
    assert response.json["verdict"] == "not_recognised"
    assert _requests() == 0


@pytest.mark.parametrize(
    "phone", ["07700 900123", "07700900123", "+44 (0)7700 900123", "01284 765432", "020-7946-0958"]
)
def test_uk_numbers_are_accepted_however_they_are_written(client, attempt, phone):
    assert _rebook(client, attempt, phone=phone).status_code == 200


def test_an_unknown_card_cannot_be_rebooked(client):
    class Fake:
        card_serial = UNKNOWN

    page = _rebook(client, Fake())
    answer = client.post(f"/c/{UNKNOWN}/rebook", json={}, headers=JSON)

    assert page.status_code == answer.status_code == 404
    assert _shown("en", "card_not_recognised") in _html(page)
    assert answer.json["verdict"] == "not_recognised"
    assert _requests() == 0


def test_a_household_asks_a_few_times_then_is_told_to_wait(client, attempt):
    answers = [_rebook(client, attempt, headers=JSON) for _ in range(4)]

    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    assert answers[-1].json["code"] == "rate_limited"
    assert answers[-1].json["verdict"] == "not_recognised"
    assert _requests() == 3


def test_nobody_floods_the_office_from_one_address(client, world, attempt):
    other = factories.no_access(factories.visit(world.a.contract, world.a.home, world.a.operative))
    answers = [_rebook(client, card) for card in (attempt, attempt, attempt, other, other, other)]

    assert [a.status_code for a in answers] == [200, 200, 200, 200, 200, 429]
    assert WORDING.text("en", "rebook_too_many") in _html(answers[-1])
    assert _requests() == 5


def test_a_mistyped_answer_does_not_use_up_the_households_asks(client, attempt):
    mistakes = [_rebook(client, attempt, phone="123") for _ in range(2)]
    asks = [_rebook(client, attempt) for _ in range(3)]

    assert [a.status_code for a in mistakes + asks] == [422, 422, 200, 200, 200]


# Headers and errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize("request_", ["GET /c", "GET /c/{serial}", "POST /c/{serial}/rebook", "GET /c/" + UNKNOWN])
def test_the_pages_are_never_cached_framed_or_referred(client, attempt, request_):
    method, path = request_.split()
    response = client.open(path.format(serial=attempt.card_serial), method=method, data={}, headers=BROWSER)

    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "script-src" not in response.headers["Content-Security-Policy"]  # default-src 'none': no scripts
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/c/{serial}/rebook", 405), ("DELETE", "/c/{serial}", 405), ("GET", "/c/{serial}/more/parts", 404)],
)
def test_every_json_error_under_c_carries_a_verdict(client, attempt, method, path, status):
    answer = client.open(path.format(serial=attempt.card_serial), method=method, headers=JSON)

    assert answer.status_code == status
    assert answer.json["verdict"] == "not_recognised"


# The printed card -------------------------------------------------------------------------------------


def test_the_printed_cards_qr_leads_to_its_genuine_page(client, world, auth_headers, attempt, tmp_path):
    tools.require("pdftoppm", "zbarimg")
    response = client.get(
        f"/api/v1/visits/{world.a.visit.id}/calling-card.pdf", headers=auth_headers(world.a.operative)
    )
    (tmp_path / "card.pdf").write_bytes(response.get_data())
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "600",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            tmp_path / "card.pdf",
            tmp_path / "card",
        ],
        check=True,
    )

    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", tmp_path / "card.png"], capture_output=True, text=True, check=True
    ).stdout.strip()

    assert decoded == f"{client.application.config['PUBLIC_BASE_URL']}/c/{attempt.card_serial}"
    page = client.get(decoded.removeprefix(client.application.config["PUBLIC_BASE_URL"]), headers=JSON).json
    assert page["verdict"] == "genuine"
    assert page["attempt"]["reference"] == world.a.visit.repair_reference
