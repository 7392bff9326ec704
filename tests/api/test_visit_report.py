"""The visit report over HTTP: what a manager files, with the visit's permissions; special-category text kept close."""

import io
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image, ImageDraw

from pdf_templates.visit_report import NOT_RECORDED, RESTRICTED
from server.extensions import db
from server.london_time import LONDON
from server.models import SensitiveRead
from server.models.base import utcnow
from tests import factories, tools

SAFEGUARDING = "Young child left alone in the flat during the whole visit"
DAMP = "Black mould above the bedroom window"
OUTPUT = Path(__file__).resolve().parents[1] / "output" / "pdf"


def _image(kind: str) -> bytes:
    out = io.BytesIO()
    if kind == "signature":
        image = Image.new("RGB", (500, 160), "white")
        ImageDraw.Draw(image).line([(20, 120), (140, 30), (260, 130), (480, 40)], fill="black", width=5)
        image.save(out, format="PNG")
    else:
        image = Image.new("RGB", (1200, 900), "teal")
        ImageDraw.Draw(image).ellipse([300, 200, 900, 700], fill="white")
        image.save(out, format="JPEG")
    return out.getvalue()


def _upload(client, visit, headers, kind: str, **form) -> dict:
    body = {"kind": kind, "file": (io.BytesIO(_image(kind)), f"{kind}.png"), **form}
    response = client.post(
        f"/api/v1/visits/{visit.id}/attachments", data=body, content_type="multipart/form-data", headers=headers
    )
    assert response.status_code == 201, response.json
    return response.json


def _concern(client, visit, headers, category: str, severity: str, description: str) -> dict:
    body = {"category": category, "severity": severity, "description": description}
    response = client.post(f"/api/v1/visits/{visit.id}/concerns", json=body, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def reported(client, world, auth_headers):
    """Side A's visit done in the field: arrival (the tablet's clock 3 minutes behind), ID, concerns, photos, report."""
    visit, op = world.a.visit, auth_headers(world.a.operative)
    url = f"/api/v1/visits/{visit.id}"
    client.post(f"{url}/arrive", json={"recorded_at": (utcnow() - timedelta(minutes=3)).isoformat()}, headers=op)
    client.post(f"{url}/id-shown", json={}, headers=op)
    _concern(client, visit, auth_headers(world.a.landlord_manager), "safeguarding", "emergency", SAFEGUARDING)
    damp = _concern(client, visit, op, "damp_mould", "significant", DAMP)
    work = _upload(client, visit, op, "photo")
    _upload(client, visit, op, "photo", concern_id=damp["id"])
    signature = _upload(client, visit, op, "signature")
    answers = factories.answers_for() | {
        "tenant_signed": True,
        "tenant_name": "Margaret Ellis",
        "tenant_signature": signature["id"],
        "work_photo": work["id"],
    }
    del answers["no_signature_reason"]
    response = client.post(f"{url}/report", json={"answers": answers}, headers=op)
    assert response.status_code == 201, response.json
    return visit


@pytest.fixture(autouse=True)
def _poppler():
    tools.require("pdftotext", "pdfimages", "pdftoppm")


def _report(client, headers, visit):
    response = client.get(f"/api/v1/visits/{visit.id}/report.pdf", headers=headers)
    response.get_data()
    return response


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    said = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(said.split())


def _images(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    listed = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    return listed.splitlines()[2:]


def _render(pdf: bytes, tmp_path, name: str) -> None:
    """Keep the pages as PNG in the test output, to look at."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(path), str(OUTPUT / name)], check=True)


def _sensitive_reads(user) -> list[SensitiveRead]:
    return db.session.scalars(sa.select(SensitiveRead).where(SensitiveRead.user_id == user.id)).all()


def test_the_managers_report_has_the_whole_visit(client, world, auth_headers, reported, tmp_path):
    response = _report(client, auth_headers(world.a.contractor_manager), reported)

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    _render(response.data, tmp_path, "visit-report-over-http")
    said = _text(response.data, tmp_path)
    for field in (world.a.landlord.name, world.a.contractor.name, reported.repair_reference, world.a.operative.name):
        assert field in said
    assert reported.property.postcode in said
    assert "Completed" in said
    assert reported.arrived_at.astimezone(LONDON).strftime("%H:%M") in said
    assert (reported.arrived_at - timedelta(minutes=3)).astimezone(LONDON).strftime("%H:%M") in said  # the tablet's
    assert "Checklist (template version 1)" in said
    assert "Wore a uniform showing the company name" in said and "Margaret Ellis" in said
    assert "ID card shown before entering" in said  # a standard, with its verdict
    assert SAFEGUARDING in said and DAMP in said
    assert "Photos (2)" in said and "Photo 2, for the damp and mould concern." in said
    assert "Tenant's signature" in said
    assert len(_images(response.data, tmp_path)) == 3  # two photos and the signature


def test_a_manager_reading_safeguarding_text_is_logged(client, world, auth_headers, reported):
    _report(client, auth_headers(world.a.landlord_manager), reported)

    reads = _sensitive_reads(world.a.landlord_manager)

    assert [(read.entity, read.field, read.purpose) for read in reads] == [("concern", "description", "visit report")]


def test_an_operative_who_did_not_raise_it_gets_the_restricted_marker(client, world, auth_headers, reported, tmp_path):
    response = _report(client, auth_headers(world.a.operative), reported)

    said = _text(response.data, tmp_path)
    assert response.status_code == 200
    assert SAFEGUARDING not in said
    assert " ".join(RESTRICTED.split()) in said
    assert DAMP in said  # not special-category: everyone on the visit reads it
    assert _sensitive_reads(world.a.operative) == []


def test_another_organisations_visit_is_not_found(client, world, auth_headers, reported):
    response = _report(client, auth_headers(world.b.contractor_manager), reported)

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "not_found"


def test_a_visit_not_yet_reported_shows_what_is_known(client, world, auth_headers, tmp_path):
    response = _report(client, auth_headers(world.a.landlord_manager), world.a.visit)

    said = _text(response.data, tmp_path)
    assert response.status_code == 200
    assert NOT_RECORDED in said
    assert "Scheduled" in said
    assert world.a.visit.repair_reference in said


def test_a_no_access_visit_shows_the_attempt_and_card(client, world, auth_headers, tmp_path):
    attempt = factories.no_access(world.a.visit, waited_minutes=7, note="Curtains drawn, no answer")

    said = _text(_report(client, auth_headers(world.a.contractor_manager), world.a.visit).data, tmp_path)

    assert "No access" in said
    assert f"Left, serial {attempt.card_serial}" in said
    assert "7 min (10 min expected)" in said
    assert "Curtains drawn, no answer" in said
    assert NOT_RECORDED in said


def test_the_same_record_gives_the_same_bytes_and_a_new_concern_changes_them(client, world, auth_headers, reported):
    headers = auth_headers(world.a.contractor_manager)
    first = _report(client, headers, reported)

    assert _report(client, {**headers, "If-None-Match": first.headers["ETag"]}, reported).status_code == 304
    assert _report(client, headers, reported).data == first.data
    _concern(client, reported, headers, "property_defect", "routine", "Loose stair rail")
    assert _report(client, headers, reported).data != first.data
