"""A landlord's own words and logo on its calling cards: set by its admins, checked before they are kept."""

import io
import subprocess

import pytest
from PIL import Image

from server import file_store
from server.extensions import db
from tests import factories, tools


@pytest.fixture(autouse=True)
def _poppler():
    tools.require("pdftotext", "pdfimages")


@pytest.fixture
def card_visit(world):
    factories.no_access(world.a.visit)
    return world.a.visit


def _patch_branding(client, world, headers, branding: dict):
    return client.patch(f"/api/v1/organisations/{world.a.landlord.id}", json={"branding": branding}, headers=headers)


def _card_pdf(client, world, auth_headers, visit, **query) -> bytes:
    response = client.get(
        f"/api/v1/visits/{visit.id}/calling-card.pdf", query_string=query, headers=auth_headers(world.a.operative)
    )
    assert response.status_code == 200
    return response.data


def _poppler_says(program: str, pdf: bytes, tmp_path) -> str:
    path = tmp_path / "card.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [program, str(path), "-"] if program == "pdftotext" else [program, "-list", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _logo_png(width=900, height=300) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 89, 79, 255)).save(out, format="PNG")
    return out.getvalue()


def test_the_landlords_own_words_replace_ours_in_that_language_only(client, world, auth_headers, card_visit, tmp_path):
    words = {"en": {"title": "We called today and you were out"}, "pl": {"title": "Byliśmy u Ciebie dzisiaj"}}

    response = _patch_branding(client, world, auth_headers(world.a.landlord_admin), {"card_wording": words})

    assert response.status_code == 200
    english = " ".join(_poppler_says("pdftotext", _card_pdf(client, world, auth_headers, card_visit), tmp_path).split())
    welsh = _poppler_says("pdftotext", _card_pdf(client, world, auth_headers, card_visit, lang="cy"), tmp_path)
    assert "We called today and you were out" in english
    assert "Sorry we missed you" not in english
    assert "Mae'n ddrwg gennym eich colli chi" in " ".join(welsh.split())  # no Welsh override: our Welsh


def test_an_override_may_use_the_strings_own_placeholders(client, world, auth_headers, card_visit, tmp_path):
    words = {"en": {"who": "{operative} called for {landlord} (working for us: {contractor})."}}

    _patch_branding(client, world, auth_headers(world.a.landlord_admin), {"card_wording": words})

    said = " ".join(_poppler_says("pdftotext", _card_pdf(client, world, auth_headers, card_visit), tmp_path).split())
    assert f"{world.a.operative.name} called for {world.a.landlord.name}" in said


@pytest.mark.parametrize(
    ("words", "problem"),
    [
        ({"xx": {"title": "Hello"}}, "'xx' is not a language"),
        ({"en": {"titel": "Hello"}}, "en.titel: there is no such string"),
        ({"en": {"who": "{tenant} was out"}}, "{tenant} cannot be filled in here"),
        ({"en": {"when": "{date at {time}"}}, "unbalanced braces"),
        ({"en": {"title": ""}}, "Length must be between 1 and 300"),
        ({"en": {"title": 7}}, "Not a valid string"),
    ],
)
def test_wording_that_could_not_be_drawn_is_refused_and_nothing_changes(client, world, auth_headers, words, problem):
    before = dict(world.a.landlord.branding)

    response = _patch_branding(client, world, auth_headers(world.a.landlord_admin), {"card_wording": words})

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert problem in str(response.json["errors"])
    db.session.refresh(world.a.landlord)
    assert world.a.landlord.branding == before


def test_the_logo_goes_on_the_card_and_comes_off_again(client, world, auth_headers, card_visit, tmp_path):
    admin = auth_headers(world.a.landlord_admin)

    put = client.put(
        f"/api/v1/organisations/{world.a.landlord.id}/logo",
        data={"file": (io.BytesIO(_logo_png()), "logo.png")},
        content_type="multipart/form-data",
        headers=admin,
    )

    assert put.status_code == 200
    assert len(put.json["branding"]["logo"]) == 64  # kept by its sha256
    images = _poppler_says("pdfimages", _card_pdf(client, world, auth_headers, card_visit), tmp_path)
    assert " 900   300 " in images  # the logo, at its own pixels
    client.delete(f"/api/v1/organisations/{world.a.landlord.id}/logo", headers=admin)
    images = _poppler_says("pdfimages", _card_pdf(client, world, auth_headers, card_visit), tmp_path)
    assert "image" not in images.split("\n", 2)[2]  # only the header lines: no image


def test_a_large_logo_is_made_no_larger_than_printing_needs(client, world, auth_headers):
    response = client.put(
        f"/api/v1/organisations/{world.a.landlord.id}/logo",
        data={"file": (io.BytesIO(_logo_png(4000, 1000)), "logo.png")},
        content_type="multipart/form-data",
        headers=auth_headers(world.a.landlord_admin),
    )

    assert response.status_code == 200
    with Image.open(file_store.path(response.json["branding"]["logo"])) as kept:
        assert kept.size == (1200, 300)
        assert kept.format == "PNG"


def test_changing_the_colour_keeps_the_logo_and_the_wording(client, world, auth_headers):
    admin = auth_headers(world.a.landlord_admin)
    client.put(
        f"/api/v1/organisations/{world.a.landlord.id}/logo",
        data={"file": (io.BytesIO(_logo_png()), "logo.png")},
        content_type="multipart/form-data",
        headers=admin,
    )
    _patch_branding(client, world, admin, {"card_wording": {"en": {"title": "Sorry, you were out"}}})

    branding = _patch_branding(client, world, admin, {"colour": "#00594f"}).json["branding"]

    assert branding["colour"] == "#00594f"
    assert len(branding["logo"]) == 64
    assert branding["card_wording"] == {"en": {"title": "Sorry, you were out"}}


def test_a_file_that_is_not_an_image_is_not_a_logo(client, world, auth_headers):
    response = client.put(
        f"/api/v1/organisations/{world.a.landlord.id}/logo",
        data={"file": (io.BytesIO(b"%PDF-1.4 not a picture"), "logo.png")},
        content_type="multipart/form-data",
        headers=auth_headers(world.a.landlord_admin),
    )

    assert response.status_code == 415
    assert "logo" not in world.a.landlord.branding
