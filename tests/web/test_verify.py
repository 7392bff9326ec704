"""A tenant checks a badge at the door: every verdict, every tampering, the short code and the booking check."""

import base64
import subprocess
from datetime import timedelta

import pytest

from server.extensions import db
from server.models import BadgeAlert, BadgeScan
from server.services import badge_keys, badges, qr_codes
from sync import live_badge
from tests import factories, tools

JSON = {"Accept": "application/json"}


def _path(badge) -> str:
    return f"/v/{badge.token}"


def _verdict(client, path: str) -> str:
    return client.get(path, headers=JSON).json["verdict"]


def test_a_genuine_badge(client, world):
    badge = factories.badge(world.a.operative)

    body = client.get(_path(badge), headers=JSON).json

    assert body["verdict"] == "genuine"
    assert body["operative"]["name"] == world.a.operative.name
    assert body["operative"]["contractor"] == world.a.contractor.name
    assert [landlord["name"] for landlord in body["operative"]["landlords"]] == [world.a.landlord.name]


@pytest.mark.parametrize(("status", "verdict"), [("revoked", "revoked"), ("suspended", "suspended")])
def test_revoked_and_suspended_badges_say_so(client, world, status, verdict):
    badge = factories.badge(world.a.operative, status=status)

    assert _verdict(client, _path(badge)) == verdict


def test_an_expired_badge_says_so(client, world, now):
    badge = factories.badge(world.a.operative, expires_at=(now - timedelta(minutes=1)).replace(microsecond=0))

    assert _verdict(client, _path(badge)) == "expired"


def test_a_deactivated_operatives_badge_stops_verifying_at_once(client, world):
    badge = factories.badge(world.a.operative)
    world.a.operative.active = False
    db.session.flush()

    assert _verdict(client, _path(badge)) == "revoked"


def _flip(token: str, index: int) -> str:
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    raw[index] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


@pytest.mark.parametrize("index", [0, 2, 10, 24, 30, 88])  # version, key id, badge id, expiry, signature
def test_any_tampered_byte_is_not_recognised(client, world, index):
    badge = factories.badge(world.a.operative)

    assert _verdict(client, f"/v/{_flip(badge.token, index)}") == "not_recognised"


@pytest.mark.parametrize(
    "token",
    [
        "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.",  # a JWS with alg "none"
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",  # HMAC, as if keyed with the public key
        "not-a-token",
        "A" * 119,
        "%00",
    ],
)
def test_foreign_formats_and_algorithm_tricks_are_not_recognised(client, token):
    assert _verdict(client, f"/v/{token}") == "not_recognised"


def test_the_verify_url_is_short_enough_for_a_small_qr(client, world, app):
    badge = factories.badge(world.a.operative)
    url = badges.verify_url(badge)

    assert len(url.encode()) <= 200
    assert qr_codes.version(url) <= 10


def test_the_short_code_works_with_spaces_dashes_and_case(client, world):
    badge = factories.badge(world.a.operative)
    typed = badges.display_short_code(badge.short_code).lower().replace("-", " ")

    body = client.post("/v", json={"code": typed}, headers=JSON).json

    assert body["verdict"] == "genuine"


def test_a_mistyped_short_code_fails_its_check_character(client, world):
    badge = factories.badge(world.a.operative)
    code = badge.short_code
    swapped = code[1] + code[0] + code[2:] if code[0] != code[1] else code[:-1] + ("2" if code[-1] != "2" else "3")

    assert client.post("/v", json={"code": swapped}, headers=JSON).json["verdict"] == "not_recognised"


def test_the_short_code_form_works_without_javascript(client, world):
    badge = factories.badge(world.a.operative)

    page = client.post("/v", data={"code": badge.short_code})

    assert page.status_code == 200
    assert "This badge is genuine." in page.get_data(as_text=True)


def test_the_page_says_the_verdict_in_words_and_the_landlords_number(client, world):
    badge = factories.badge(world.a.operative)

    page = client.get(_path(badge)).get_data(as_text=True)

    assert "This badge is genuine." in page
    assert "You do not have to let anyone in." in page
    assert world.a.landlord.phone_office in page
    assert "Check it matches the number on your letters or rent statement" in page
    assert len(page.encode()) < 50_000


def test_are_they_booked_at_my_home(client, world, now):
    badge = factories.badge(world.a.operative)
    world.a.visit.window_start, world.a.visit.window_end = now, now + timedelta(hours=2)
    db.session.flush()
    home = world.a.home

    yes = client.post(f"{_path(badge)}/booked", json={"postcode": home.postcode.lower(), "house": home.house}).json
    no = client.post(f"{_path(badge)}/booked", json={"postcode": "TD15 1AA", "house": home.house}).json

    assert yes["booked"] is True
    assert set(yes) == {"verdict", "booked", "window", "job", "ask_for_doorstep_password"}
    assert no == {"verdict": "genuine", "booked": False}  # never an address, never a name


@pytest.mark.parametrize(
    ("kept", "typed", "booked"),
    [
        ("Flat 3, 27", "flat 3 27", True),
        ("Flat 3, 27", " FLAT 3,27 ", True),
        ("Flat 3, 27", "27", False),
        ("Flat 3, 27", "Flat 2, 27", False),
        ("Rose Cottage", "rose cottage.", True),
    ],
)
def test_a_house_matches_however_it_is_typed_but_only_the_same_home(client, world, now, kept, typed, booked):
    badge = factories.badge(world.a.operative)
    world.a.visit.window_start, world.a.visit.window_end = now, now + timedelta(hours=2)
    world.a.home.house = kept
    db.session.flush()

    answer = client.post(f"{_path(badge)}/booked", json={"postcode": world.a.home.postcode, "house": typed}).json

    assert answer["booked"] is booked


def test_a_refused_badge_is_never_booked(client, world, now):
    badge = factories.badge(world.a.operative, status="revoked")
    world.a.visit.window_start, world.a.visit.window_end = now, now + timedelta(hours=2)
    db.session.flush()

    answer = client.post(
        f"{_path(badge)}/booked", json={"postcode": world.a.home.postcode, "house": world.a.home.house}
    )

    assert answer.json == {"verdict": "revoked", "booked": False}


def test_the_booking_check_is_rate_limited(client, world):
    badge = factories.badge(world.a.operative)
    answers = [
        client.post(f"{_path(badge)}/booked", json={"postcode": "IP33 3AA", "house": str(n)}).status_code
        for n in range(7)
    ]

    assert answers[:5] == [200] * 5
    assert 429 in answers[5:]


def test_the_booking_check_is_limited_per_badge_from_any_number_of_addresses(client, world):
    badge = factories.badge(world.a.operative)

    answers = [
        client.post(
            f"{_path(badge)}/booked",
            json={"postcode": "IP33 3AA", "house": str(n)},
            environ_base={"REMOTE_ADDR": f"198.51.100.{n}"},
        ).status_code
        for n in range(32)
    ]
    other_badge = client.post(
        f"{_path(factories.badge(world.a.other_operative))}/booked",
        json={"postcode": "IP33 3AA", "house": "1"},
        environ_base={"REMOTE_ADDR": "198.51.100.200"},
    )

    assert answers[:30] == [200] * 30
    assert answers[30:] == [429, 429]
    assert other_badge.status_code == 200


def test_every_scan_is_logged_and_a_revoked_scan_alerts_the_contractor(client, world):
    badge = factories.badge(world.a.operative, status="revoked")

    client.get(_path(badge), headers=JSON)

    scans = db.session.scalars(db.select(BadgeScan)).all()
    alerts = db.session.scalars(db.select(BadgeAlert)).all()
    assert [(s.badge_id, s.verdict.value) for s in scans] == [(badge.id, "revoked")]
    assert [(a.contractor_id, a.kind) for a in alerts] == [(world.a.contractor.id, "revoked_scan")]


def test_a_live_code_is_accepted_for_90_seconds(client, world, now):
    badge = factories.badge(world.a.operative)
    secret = badges.encryption.decrypt(badge.live_secret_encrypted)
    step = live_badge.step_at(now)

    fresh = client.get(_path(badge), query_string={"live": badges.live_code(secret, badge.id, step)}, headers=JSON)
    stale = client.get(_path(badge), query_string={"live": badges.live_code(secret, badge.id, step - 4)}, headers=JSON)
    forged = client.get(_path(badge), query_string={"live": f"{step}.AAAAAAAAAAAAAAAA"}, headers=JSON)

    assert fresh.json["live"] is True
    assert len(fresh.json["match_number"]) == 3
    assert stale.json["live"] is False
    assert "expired" in stale.json["message"]
    assert forged.json["verdict"] == "not_recognised"


def test_rotated_keys_keep_old_badges_verifying_until_withdrawn(client, world, now):
    old = factories.badge(world.a.operative)
    badge_keys.rotate(now)
    new = factories.badge(world.a.operative)

    assert new.kid != old.kid
    assert _verdict(client, _path(old)) == "genuine"
    badge_keys.withdraw(old.kid, now)
    db.session.flush()
    assert _verdict(client, _path(old)) == "not_recognised"
    assert _verdict(client, _path(new)) == "genuine"


def test_the_public_keys_are_published_without_the_private_ones(client, world):
    factories.badge(world.a.operative)

    body = client.get("/.well-known/jwks.json").get_data(as_text=True)

    assert '"crv": "Ed25519"' in body or '"crv":"Ed25519"' in body
    assert "private" not in body.lower() and '"d"' not in body


def test_the_qr_decodes_to_the_verify_url_with_an_independent_decoder(client, world, auth_headers, tmp_path):
    tools.require("zbarimg")
    badge = factories.badge(world.a.operative)
    response = client.get(f"/api/v1/badges/{badge.id}/qr.png", headers=auth_headers(world.a.contractor_admin))
    image = tmp_path / "badge.png"
    image.write_bytes(response.get_data())
    response.close()

    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, check=True
    ).stdout.strip()

    assert decoded == badges.verify_url(badge)
    assert client.get(decoded.removeprefix("http://127.0.0.1:5000"), headers=JSON).json["verdict"] == "genuine"
