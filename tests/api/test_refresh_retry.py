"""A tablet that loses the answer to a refresh may retry with the same token for a short grace."""

import pytest

from tests import factories


@pytest.fixture
def grace(app):
    app.config["REFRESH_RETRY_GRACE_SECONDS"] = 30
    yield
    app.config["REFRESH_RETRY_GRACE_SECONDS"] = 0


def _login(client, user) -> dict:
    return client.post("/api/v1/auth/login", json={"email": user.email, "password": factories.PASSWORD}).json


def _refresh(client, token: str):
    return client.post("/api/v1/auth/refresh", headers={"Authorization": f"Bearer {token}"})


def test_a_retried_refresh_within_the_grace_gets_a_working_pair(client, world, grace):
    first = _login(client, world.a.operative)
    _refresh(client, first["refresh_token"])  # the answer is lost on the way

    retried = _refresh(client, first["refresh_token"])

    assert retried.status_code == 200
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {retried.json['access_token']}"})
    assert me.status_code == 200
    assert _refresh(client, retried.json["refresh_token"]).status_code == 200


def test_a_token_two_rotations_old_is_still_reuse(client, world, grace):
    first = _login(client, world.a.operative)
    second = _refresh(client, first["refresh_token"]).json
    third = _refresh(client, second["refresh_token"]).json

    replayed = _refresh(client, first["refresh_token"])

    assert replayed.status_code == 401
    assert replayed.json["code"] == "refresh_token_reused"
    assert _refresh(client, third["refresh_token"]).status_code == 401


def test_without_a_grace_the_replaced_token_is_reuse(client, world):
    first = _login(client, world.a.operative)
    _refresh(client, first["refresh_token"])

    replayed = _refresh(client, first["refresh_token"])

    assert replayed.json["code"] == "refresh_token_reused"
