"""A badge's photo: put on by the contractor's admins, small and stripped, shown only beside a genuine verdict."""

import io

import pytest
from PIL import Image

from server.extensions import db
from tests import factories

JSON = {"Accept": "application/json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
GPS_IFD = 0x8825


def _camera_photo(size=(1512, 2016), noisy: bool = False) -> bytes:
    """A phone camera's JPEG with its location in the EXIF; `noisy` is the hardest picture to compress.

    Under 500 kB, so the test client keeps the upload in memory rather than in a temporary file.
    """
    if noisy:
        image = Image.effect_noise(size, 120).convert("RGB")
    else:
        image = Image.linear_gradient("L").resize(size).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"
    exif[GPS_IFD] = {1: "N", 2: (52.0, 14.0, 30.0), 3: "E", 4: (0.0, 42.0, 10.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, exif=exif.tobytes())
    assert out.tell() < 500_000
    return out.getvalue()


def _put_photo(client, headers, badge, data: bytes):
    form = {"file": (io.BytesIO(data), "me.jpg")}
    return client.put(
        f"/api/v1/badges/{badge.id}/photo", data=form, headers=headers, content_type="multipart/form-data"
    )


def _photo(client, badge, **headers):
    """The photo as the tenant's phone fetches it (the streamed file read and closed)."""
    response = client.get(f"/v/{badge.token}/photo.jpg", headers=headers)
    response.get_data()
    response.close()
    return response


@pytest.fixture
def badge(world):
    return factories.badge(world.a.operative)


def test_an_admin_puts_a_photo_on_a_badge_and_the_tenant_sees_it(client, world, auth_headers, badge):
    answer = _put_photo(client, auth_headers(world.a.contractor_admin), badge, _camera_photo())

    page = client.get(f"/v/{badge.token}", headers=BROWSER).get_data(as_text=True)
    photo = _photo(client, badge)
    assert answer.status_code == 200
    assert answer.json["has_photo"] is True
    assert f'<img class="photo" src="/v/{badge.token}/photo.jpg"' in page
    assert f'alt="Photo of {world.a.operative.name}"' in page
    assert "No photo is held" not in page
    assert photo.status_code == 200
    assert photo.mimetype == "image/jpeg"


def test_the_photo_is_a_small_portrait_with_no_metadata(client, world, auth_headers, badge):
    _put_photo(client, auth_headers(world.a.contractor_admin), badge, _camera_photo())

    data = _photo(client, badge).get_data()

    image = Image.open(io.BytesIO(data))
    assert image.size == (360, 450)
    assert len(image.getexif()) == 0  # no camera, no location
    assert len(data) <= 40_000


def test_even_a_picture_that_compresses_badly_keeps_the_page_under_50_kb(client, world, auth_headers, badge):
    _put_photo(client, auth_headers(world.a.contractor_admin), badge, _camera_photo((480, 640), noisy=True))

    page = client.get(f"/v/{badge.token}", headers=BROWSER).get_data()
    photo = _photo(client, badge).get_data()

    assert len(page) + len(photo) < 50_000


def test_the_photo_is_checked_again_on_every_view(client, world, auth_headers, badge):
    _put_photo(client, auth_headers(world.a.contractor_admin), badge, _camera_photo())
    first = _photo(client, badge)

    again = _photo(client, badge, **{"If-None-Match": first.headers["ETag"]})

    assert first.headers["Cache-Control"] == "private, no-cache"
    assert again.status_code == 304


@pytest.mark.parametrize("status", ["revoked", "suspended"])
def test_a_refused_badge_shows_no_photo(client, world, auth_headers, badge, status):
    _put_photo(client, auth_headers(world.a.contractor_admin), badge, _camera_photo())
    badge.status = status
    db.session.flush()

    page = client.get(f"/v/{badge.token}", headers=BROWSER).get_data(as_text=True)
    photo = _photo(client, badge, **JSON)

    assert "photo.jpg" not in page
    assert photo.status_code == 404
    assert photo.json["verdict"] == "not_recognised"
    assert client.get(f"/v/{badge.token}", headers=JSON).json["operative"]["photo"] is None


def test_the_json_answer_links_the_photo(client, world, auth_headers, badge, app):
    _put_photo(client, auth_headers(world.a.contractor_admin), badge, _camera_photo())

    body = client.get(f"/v/{badge.token}", headers=JSON).json

    assert body["operative"]["photo"] == f"{app.config['PUBLIC_BASE_URL']}/v/{badge.token}/photo.jpg"


def test_without_a_photo_the_page_says_so_and_points_to_the_phone_check(client, badge):
    page = client.get(f"/v/{badge.token}", headers=BROWSER).get_data(as_text=True)

    assert "No photo is held for this badge" in page
    assert _photo(client, badge).status_code == 404


def test_removing_the_photo(client, world, auth_headers, badge):
    headers = auth_headers(world.a.contractor_admin)
    _put_photo(client, headers, badge, _camera_photo())

    answer = client.delete(f"/api/v1/badges/{badge.id}/photo", headers=headers)

    assert answer.json["has_photo"] is False
    assert _photo(client, badge).status_code == 404


def test_a_file_that_is_not_an_image_changes_nothing(client, world, auth_headers, badge):
    answer = _put_photo(client, auth_headers(world.a.contractor_admin), badge, b"%PDF-1.7 not a photo")

    assert answer.status_code == 415
    assert answer.json["code"] == "not_an_image"
    assert (
        client.get(f"/api/v1/badges/{badge.id}", headers=auth_headers(world.a.contractor_admin)).json["has_photo"]
        is False
    )


def test_a_revoked_badge_takes_no_new_photo(client, world, auth_headers, badge):
    badge.status = "revoked"
    db.session.flush()

    answer = _put_photo(client, auth_headers(world.a.contractor_admin), badge, _camera_photo())

    assert answer.status_code == 409
    assert answer.json["code"] == "invalid_transition"
