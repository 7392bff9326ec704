"""Sign-in, tokens, refresh rotation and reuse, sign-out, and access ending at the next request."""

import uuid
from datetime import timedelta

import jwt as pyjwt
import pytest
from flask_jwt_extended import create_access_token

from server.extensions import db
from server.models import DeviceSession
from tests import factories


def _login(client, email, password=factories.PASSWORD, **extra):
    return client.post("/api/v1/auth/login", json={"email": email, "password": password, **extra})


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_login_gives_a_token_pair(client, world):
    response = _login(client, world.a.operative.email, device_id="tablet-7")

    assert response.status_code == 200
    assert response.json["expires_in"] == 900
    assert {"access_token", "refresh_token"} <= set(response.json)


def test_login_ignores_the_case_of_the_email(client, world):
    assert _login(client, world.a.operative.email.upper()).status_code == 200


@pytest.mark.parametrize("who", ["wrong password", "unknown email"])
def test_wrong_credentials_get_one_answer(client, world, who):
    email = world.a.operative.email if who == "wrong password" else "nobody@example.org"

    response = _login(client, email, password="not the password")

    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "invalid_credentials"


def test_a_deactivated_user_cannot_sign_in(client, world):
    world.a.operative.active = False
    db.session.flush()

    assert _login(client, world.a.operative.email).json["code"] == "invalid_credentials"


def test_me_says_who_and_which_organisation(client, world, auth_headers):
    body = client.get("/api/v1/me", headers=auth_headers(world.a.landlord_manager)).json

    assert body["email"] == world.a.landlord_manager.email
    assert body["role"] == "manager"
    assert body["organisation"] == {
        "id": str(world.a.landlord.id),
        "kind": "landlord",
        "name": world.a.landlord.name,
    }


def test_an_expired_access_token_is_refused(client, world):
    session = DeviceSession(id=uuid.uuid4(), user_id=world.a.operative.id, refresh_jti="x")
    db.session.add(session)
    db.session.flush()
    token = create_access_token(
        str(world.a.operative.id), additional_claims={"sid": str(session.id)}, expires_delta=timedelta(seconds=-1)
    )

    response = client.get("/api/v1/me", headers=_bearer(token))

    assert response.status_code == 401
    assert response.json["code"] == "token_expired"


def test_a_tampered_token_is_refused(client, world, auth_headers):
    token = auth_headers(world.a.operative)["Authorization"].removeprefix("Bearer ")
    claims = pyjwt.decode(token, options={"verify_signature": False})
    forged = pyjwt.encode(
        {**claims, "sub": str(world.b.operative.id)}, "a guessed key that is long enough to sign", algorithm="HS256"
    )

    response = client.get("/api/v1/me", headers=_bearer(forged))

    assert response.status_code == 401
    assert response.json["code"] == "invalid_token"


def test_a_garbled_token_is_refused(client):
    response = client.get("/api/v1/me", headers=_bearer("not.a.token"))

    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_a_refresh_token_is_not_an_access_token(client, world):
    tokens = _login(client, world.a.operative.email).json

    assert client.get("/api/v1/me", headers=_bearer(tokens["refresh_token"])).status_code == 401
    assert client.post("/api/v1/auth/refresh", headers=_bearer(tokens["access_token"])).status_code == 401


def test_refresh_rotates_the_pair(client, world):
    first = _login(client, world.a.operative.email).json

    second = client.post("/api/v1/auth/refresh", headers=_bearer(first["refresh_token"]))
    third = client.post("/api/v1/auth/refresh", headers=_bearer(second.json["refresh_token"]))

    assert second.status_code == third.status_code == 200
    assert second.json["refresh_token"] != first["refresh_token"]


def test_reusing_an_old_refresh_token_signs_the_device_out(client, world):
    first = _login(client, world.a.operative.email).json
    second = client.post("/api/v1/auth/refresh", headers=_bearer(first["refresh_token"])).json

    replayed = client.post("/api/v1/auth/refresh", headers=_bearer(first["refresh_token"]))

    assert replayed.status_code == 401
    assert replayed.json["code"] == "refresh_token_reused"
    assert client.get("/api/v1/me", headers=_bearer(second["access_token"])).json["code"] == "token_revoked"
    assert client.post("/api/v1/auth/refresh", headers=_bearer(second["refresh_token"])).status_code == 401


def test_reuse_signs_out_only_that_device(client, world):
    other_device = _login(client, world.a.operative.email, device_id="phone").json
    first = _login(client, world.a.operative.email, device_id="tablet").json
    client.post("/api/v1/auth/refresh", headers=_bearer(first["refresh_token"]))

    client.post("/api/v1/auth/refresh", headers=_bearer(first["refresh_token"]))

    assert client.get("/api/v1/me", headers=_bearer(other_device["access_token"])).status_code == 200


def test_logout_ends_the_session(client, world):
    tokens = _login(client, world.a.operative.email).json

    logout = client.post("/api/v1/auth/logout", headers=_bearer(tokens["access_token"]))

    assert logout.status_code == 204
    assert client.get("/api/v1/me", headers=_bearer(tokens["access_token"])).json["code"] == "token_revoked"
    assert client.post("/api/v1/auth/refresh", headers=_bearer(tokens["refresh_token"])).status_code == 401


def test_deactivating_a_user_ends_their_access_at_the_next_request(client, world, auth_headers):
    tokens = _login(client, world.a.operative.email).json

    client.post(f"/api/v1/users/{world.a.operative.id}/deactivate", headers=auth_headers(world.a.contractor_admin))

    response = client.get("/api/v1/visits", headers=_bearer(tokens["access_token"]))
    assert response.status_code == 401
    assert response.json["code"] == "token_revoked"


def test_revoking_a_lost_tablet_ends_that_device_only(client, world, auth_headers):
    tablet = _login(client, world.a.operative.email, device_id="lost tablet").json
    phone = _login(client, world.a.operative.email, device_id="phone").json
    admin = auth_headers(world.a.contractor_admin)
    sessions = client.get(f"/api/v1/users/{world.a.operative.id}/sessions", headers=admin).json["items"]
    lost = next(s for s in sessions if s["device_id"] == "lost tablet")

    revoked = client.post(f"/api/v1/users/{world.a.operative.id}/sessions/{lost['id']}/revoke", headers=admin)

    assert revoked.json["revoked_reason"] == "revoked"
    assert client.get("/api/v1/me", headers=_bearer(tablet["access_token"])).status_code == 401
    assert client.get("/api/v1/me", headers=_bearer(phone["access_token"])).status_code == 200


def test_a_new_password_signs_out_every_device(client, world):
    tokens = _login(client, world.a.operative.email).json

    client.patch(
        f"/api/v1/users/{world.a.operative.id}",
        json={"password": "a brand new passphrase"},
        headers=_bearer(tokens["access_token"]),
    )

    assert client.get("/api/v1/me", headers=_bearer(tokens["access_token"])).status_code == 401
    assert _login(client, world.a.operative.email, password="a brand new passphrase").status_code == 200


def test_login_is_limited_per_account(client, world):
    for _ in range(10):
        _login(client, world.a.operative.email, password="guess")

    blocked = _login(client, world.a.operative.email)
    other_account = _login(client, world.a.other_operative.email)

    assert blocked.status_code == 429
    assert blocked.mimetype == "application/problem+json"
    assert blocked.json["code"] == "rate_limited"
    assert other_account.status_code == 200


@pytest.fixture
def strict_address_limit(app):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per minute"
    yield
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "1000 per minute"


def test_login_is_limited_per_address(client, world, strict_address_limit):
    for n in range(3):
        _login(client, f"someone{n}@example.org", password="guess")

    blocked = _login(client, world.a.operative.email)
    elsewhere = client.post(
        "/api/v1/auth/login",
        json={"email": world.a.operative.email, "password": factories.PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )

    assert blocked.status_code == 429
    assert elsewhere.status_code == 200
