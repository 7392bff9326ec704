"""Calling cards over HTTP: in the household's language and print size, readable, and private to the visit."""

import subprocess

import pytest

from server.extensions import db
from tests import factories, tools

PDF = "application/pdf"


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "card.pdf"
    path.write_bytes(pdf)
    said = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(said.split())  # as one line: the card wraps its text


def _page_mm(pdf: bytes, tmp_path) -> tuple[int, int]:
    """The first page's width and height in millimetres, as pdfinfo reads them."""
    path = tmp_path / "card.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size")).split(":", 1)[1].split()
    return round(float(size[0]) / 72 * 25.4), round(float(size[2]) / 72 * 25.4)


@pytest.fixture
def card_visit(world):
    factories.no_access(world.a.visit)
    return world.a.visit


@pytest.fixture(autouse=True)
def _poppler():
    tools.require("pdftotext", "pdfinfo")


def _card(client, headers, visit, **query):
    response = client.get(f"/api/v1/visits/{visit.id}/calling-card.pdf", query_string=query, headers=headers)
    response.get_data()
    return response


def test_the_card_comes_in_the_households_language_and_print_size(client, world, auth_headers, card_visit, tmp_path):
    household = card_visit.property.household
    household.preferred_language, household.needs = "pl", ["large_print"]
    db.session.flush()

    response = _card(client, auth_headers(world.a.operative), card_visit)

    assert response.status_code == 200
    assert response.mimetype == PDF
    assert "Przepraszamy, że Cię nie zastaliśmy" in _text(response.data, tmp_path)
    assert _page_mm(response.data, tmp_path) == (148, 210)  # A5


def test_asking_for_a_language_and_format(client, world, auth_headers, card_visit, tmp_path):
    response = _card(client, auth_headers(world.a.contractor_manager), card_visit, lang="cy", format="receipt")

    said = _text(response.data, tmp_path)
    assert "Mae'n ddrwg gennym eich colli chi" in said
    assert _page_mm(response.data, tmp_path)[0] == 80  # the thermal roll's width


def test_the_card_says_who_called_when_and_why_and_never_who_lives_there(
    client, world, auth_headers, card_visit, tmp_path
):
    attempt = card_visit.no_access
    home = card_visit.property

    said = _text(_card(client, auth_headers(world.a.operative), card_visit).data, tmp_path)

    assert world.a.operative.name in said
    assert world.a.landlord.name in said
    assert card_visit.repair_reference in said
    assert attempt.card_serial in said
    assert home.household.tenant_name not in said
    assert home.street not in said and home.postcode not in said


def test_a_household_language_we_have_no_card_in_gets_english(client, world, auth_headers, card_visit, tmp_path):
    card_visit.property.household.preferred_language = "so"
    db.session.flush()

    said = _text(_card(client, auth_headers(world.a.operative), card_visit).data, tmp_path)

    assert "Sorry we missed you" in said


def test_the_card_is_cached_by_its_content(client, world, auth_headers, card_visit):
    headers = auth_headers(world.a.operative)
    first = _card(client, headers, card_visit)

    again = _card(client, {**headers, "If-None-Match": first.headers["ETag"]}, card_visit)

    assert again.status_code == 304
    assert _card(client, headers, card_visit).data == first.data  # the same record, the same bytes


def test_a_visit_nobody_missed_has_no_card(client, world, auth_headers):
    response = _card(client, auth_headers(world.a.operative), world.a.visit)

    assert response.status_code == 404
    assert response.json["code"] == "not_found"


@pytest.mark.parametrize(
    "query",
    [{"format": "a4"}, {"lang": "xx"}, {"large_print": "maybe"}, {"colour": "red"}],
)
def test_bad_choices_are_refused(client, world, auth_headers, card_visit, query):
    response = _card(client, auth_headers(world.a.operative), card_visit, **query)

    assert response.status_code in (400, 422)
    assert response.mimetype == "application/problem+json"
