"""Photos and signatures: proven to be images by decoding, location stripped, stored once by content."""

import io
import uuid
from pathlib import Path

import pytest
from PIL import Image

from server.extensions import db
from server.schemas.standards import validated_standards
from tests.factories import answers_for

GPS_IFD = 0x8825


def _jpeg(with_location: bool = False, size=(40, 30)) -> bytes:
    image = Image.new("RGB", size, "teal")
    exif = Image.Exif()
    exif[0x010F] = "Tablet maker"  # Make: kept
    if with_location:
        exif[GPS_IFD] = {1: "N", 2: (52.0, 14.0, 30.0), 3: "E", 4: (0.0, 42.0, 10.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def _upload(client, world, headers, data: bytes, kind="photo", name="photo.jpg", **form):
    body = {"kind": kind, "file": (io.BytesIO(data), name), **form}
    return client.post(
        f"/api/v1/visits/{world.a.visit.id}/attachments", data=body, content_type="multipart/form-data", headers=headers
    )


def _content(client, attachment_id, headers):
    response = client.get(f"/api/v1/attachments/{attachment_id}/content", headers=headers)
    data = response.get_data()
    response.close()
    return response, data


@pytest.fixture
def op(world, auth_headers):
    return auth_headers(world.a.operative)


def test_a_photo_is_stored_with_its_size_and_a_hash(client, world, op):
    response = _upload(client, world, op, _jpeg())

    assert response.status_code == 201
    assert response.json["content_type"] == "image/jpeg"
    assert (response.json["width"], response.json["height"]) == (40, 30)
    assert len(response.json["sha256"]) == 64


def test_the_location_is_stripped_from_a_photo(client, world, op):
    uploaded = _upload(client, world, op, _jpeg(with_location=True)).json

    response, data = _content(client, uploaded["id"], op)

    exif = Image.open(io.BytesIO(data)).getexif()
    assert response.headers["Content-Type"] == "image/jpeg"
    assert GPS_IFD not in exif
    assert exif[0x010F] == "Tablet maker"


def test_a_contract_may_keep_the_location(client, world, op):
    world.a.contract.standards = validated_standards({"keep_photo_location": True})
    db.session.flush()
    original = _jpeg(with_location=True)

    uploaded = _upload(client, world, op, original).json

    assert _content(client, uploaded["id"], op)[1] == original


def test_the_content_is_private_and_never_sniffed(client, world, op):
    uploaded = _upload(client, world, op, _jpeg()).json

    response, _ = _content(client, uploaded["id"], op)

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"].startswith("private")


def test_a_text_file_named_like_a_photo_is_refused(client, world, op):
    response = _upload(client, world, op, b"GIF89a this is not really an image", name="photo.jpg")

    assert response.status_code == 415
    assert response.json["code"] == "not_an_image"


def test_a_truncated_image_is_refused(client, world, op):
    response = _upload(client, world, op, _jpeg()[:200])

    assert response.status_code == 415


def test_an_oversize_upload_is_a_413(client, world, op, app):
    app.config["ATTACHMENT_MAX_BYTES"] = 50_000
    try:
        response = _upload(client, world, op, b"\xff" * 200_000)
    finally:
        app.config["ATTACHMENT_MAX_BYTES"] = 10 * 1024 * 1024

    assert response.status_code == 413


def test_a_photo_larger_than_other_requests_may_be_is_accepted(client, world, op, app):
    app.config["MAX_CONTENT_LENGTH"] = 1_000  # every other request's limit; a photo may be ATTACHMENT_MAX_BYTES
    try:
        response = _upload(client, world, op, _jpeg(size=(400, 300)))
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024

    assert response.status_code == 201


def test_a_retried_upload_with_the_tablets_id_is_kept_once(client, world, op):
    photo_id = str(uuid.uuid4())
    data = _jpeg()

    first = _upload(client, world, op, data, id=photo_id)
    again = _upload(client, world, op, data, id=photo_id)  # the first answer was lost on the way back

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json["id"] == again.json["id"] == photo_id
    listed = client.get(f"/api/v1/visits/{world.a.visit.id}/attachments", headers=op).json["items"]
    assert [a["id"] for a in listed] == [photo_id]


def test_another_image_under_an_id_already_used_is_refused(client, world, op):
    photo_id = str(uuid.uuid4())
    _upload(client, world, op, _jpeg(), id=photo_id)

    response = _upload(client, world, op, _jpeg(size=(60, 40)), id=photo_id)

    assert response.status_code == 409
    assert response.json["code"] == "already_exists"


def test_a_decompression_bomb_is_refused(client, world, op):
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, format="PNG")  # 100 megapixels in a few kilobytes

    response = _upload(client, world, op, out.getvalue(), name="bomb.png")

    assert response.status_code == 413


def test_the_same_image_twice_is_stored_once(client, world, op, app):
    data = _jpeg()

    first = _upload(client, world, op, data).json
    second = _upload(client, world, op, data).json

    assert first["id"] != second["id"]
    assert first["sha256"] == second["sha256"]
    stored = list((Path(app.config["STORAGE_DIR"]) / "attachments").rglob(first["sha256"]))
    assert len(stored) == 1


def test_a_signature_can_complete_a_report(client, world, op):
    visit_url = f"/api/v1/visits/{world.a.visit.id}"
    client.post(f"{visit_url}/arrive", json={}, headers=op)
    signature = _upload(client, world, op, _jpeg(), kind="signature").json
    photo = _upload(client, world, op, _jpeg(size=(80, 60))).json

    answers = answers_for() | {
        "tenant_signed": True,
        "tenant_name": "Margaret Ellis",
        "tenant_signature": signature["id"],
        "work_photo": photo["id"],
    }
    del answers["no_signature_reason"]

    response = client.post(f"{visit_url}/report", json={"answers": answers}, headers=op)

    assert response.status_code == 201


def test_a_photo_given_where_a_signature_is_asked_is_refused(client, world, op):
    visit_url = f"/api/v1/visits/{world.a.visit.id}"
    client.post(f"{visit_url}/arrive", json={}, headers=op)
    photo = _upload(client, world, op, _jpeg()).json

    answers = answers_for() | {"tenant_signed": True, "tenant_name": "M Ellis", "tenant_signature": photo["id"]}
    del answers["no_signature_reason"]

    response = client.post(f"{visit_url}/report", json={"answers": answers}, headers=op)

    assert "tenant_signature" in response.json["errors"]


def test_a_photo_belongs_to_a_concern_of_the_same_visit(client, world, op):
    concern = client.post(
        f"/api/v1/visits/{world.a.visit.id}/concerns",
        json={"category": "damp_mould", "severity": "significant", "description": "Mould on the bedroom wall"},
        headers=op,
    ).json

    linked = _upload(client, world, op, _jpeg(), concern_id=concern["id"])
    wrong = _upload(client, world, op, _jpeg(), concern_id="3f0f8f3e-8a8e-4a44-9b3a-3e5d1c0b7a11")

    assert linked.json["concern_id"] == concern["id"]
    assert wrong.status_code == 422


def test_a_heic_photo_from_a_phone_is_kept_as_jpeg(client, world, op):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(out, format="HEIF")  # pillow-heif registers the format

    uploaded = _upload(client, world, op, out.getvalue(), name="IMG_0001.HEIC")

    _, data = _content(client, uploaded.json["id"], op)
    assert uploaded.status_code == 201
    assert uploaded.json["content_type"] == "image/jpeg"
    assert Image.open(io.BytesIO(data)).format == "JPEG"
