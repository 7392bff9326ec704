"""The badge card over HTTP: the operative's own card to print, with the badge's permissions, for a badge in use."""

import io
import subprocess
from datetime import UTC, datetime

import pytest
from PIL import Image

from server.extensions import db
from server.models import BadgeStatus
from server.services import badges
from tests import factories, tools


def _run(tmp_path, pdf: bytes, *command: str) -> str:
    """Run a poppler program on the PDF, named where the command says PDF."""
    path = tmp_path / "card.pdf"
    path.write_bytes(pdf)
    command = [str(path) if part == "PDF" else part for part in command]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _text(tmp_path, pdf: bytes) -> str:
    return " ".join(_run(tmp_path, pdf, "pdftotext", "PDF", "-").split())  # as one line: the card wraps its text


def _card(client, headers, badge):
    response = client.get(f"/api/v1/badges/{badge.id}/card.pdf", headers=headers)
    response.get_data()
    return response


@pytest.fixture(autouse=True)
def _poppler():
    tools.require("pdftotext", "pdfimages")


@pytest.fixture
def badge(world):
    return factories.badge(world.a.operative)


def test_the_contractor_admin_prints_the_operatives_card(client, world, auth_headers, badge, tmp_path):
    response = _card(client, auth_headers(world.a.contractor_admin), badge)

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    said = _text(tmp_path, response.data)
    assert world.a.operative.name in said
    assert badges.display_short_code(badge.short_code) in said
    assert world.a.contractor.name in said and world.a.landlord.name in said


def test_the_card_says_until_when_in_london_and_where_to_check(client, world, auth_headers, app, tmp_path):
    winter = factories.badge(world.a.operative, expires_at=datetime(2027, 11, 30, 23, 30, tzinfo=UTC))  # GMT
    summer = factories.badge(world.a.operative, expires_at=datetime(2027, 6, 30, 23, 30, tzinfo=UTC))  # 00:30 BST
    db.session.flush()

    winter_said = _text(tmp_path, _card(client, auth_headers(world.a.contractor_admin), winter).data)
    summer_said = _text(tmp_path, _card(client, auth_headers(world.a.contractor_admin), summer).data)

    assert "Valid until 30 November 2027" in winter_said
    assert "Valid until 1 July 2027" in summer_said
    address = app.config["PUBLIC_BASE_URL"].split("://", 1)[1]
    assert f"Check me at {address}/v" in winter_said


def test_the_badges_photo_is_printed(client, world, auth_headers, badge, tmp_path):
    upload = io.BytesIO()
    Image.linear_gradient("L").resize((600, 800)).convert("RGB").save(upload, format="JPEG")
    headers = auth_headers(world.a.contractor_admin)
    put = client.put(
        f"/api/v1/badges/{badge.id}/photo",
        data={"file": (io.BytesIO(upload.getvalue()), "me.jpg")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert put.status_code == 200

    images = _run(tmp_path, _card(client, headers, badge).data, "pdfimages", "-list", "PDF").splitlines()[2:]

    assert [row.split()[3:5] for row in images] == [["240", "300"]]


def test_the_operative_prints_their_own_card(client, world, auth_headers, badge, tmp_path):
    response = _card(client, auth_headers(world.a.operative), badge)

    assert response.status_code == 200
    assert "No photo" in _text(tmp_path, response.data)


def test_another_organisations_badge_is_not_found(client, world, auth_headers):
    foreign = factories.badge(world.b.operative)

    response = _card(client, auth_headers(world.a.contractor_admin), foreign)

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("status", [BadgeStatus.REVOKED, BadgeStatus.SUSPENDED])
def test_a_badge_not_in_use_has_no_card(client, world, auth_headers, badge, status):
    badge.status = status
    db.session.flush()

    response = _card(client, auth_headers(world.a.contractor_admin), badge)

    assert response.status_code == 409
    assert response.json["code"] == "invalid_transition"
    assert status.value in response.json["detail"]


def test_an_expired_badge_has_no_card(client, world, auth_headers):
    expired = factories.badge(world.a.operative, expires_at=datetime(2020, 1, 1, tzinfo=UTC))

    response = _card(client, auth_headers(world.a.contractor_admin), expired)

    assert response.status_code == 409
    assert "expired" in response.json["detail"]


def test_the_card_is_cached_by_its_content(client, world, auth_headers, badge):
    headers = auth_headers(world.a.contractor_admin)
    first = _card(client, headers, badge)

    again = _card(client, {**headers, "If-None-Match": first.headers["ETag"]}, badge)

    assert again.status_code == 304
    assert _card(client, headers, badge).data == first.data  # the same badge, the same bytes
