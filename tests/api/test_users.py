"""Organisation admins manage their own people."""

import sqlalchemy as sa

from server.extensions import db
from server.models import User
from tests import factories


def _new_user(**overrides) -> dict:
    return {
        "email": "New.Person@Example.org",
        "name": "New Person",
        "role": "operative",
        "password": "long enough pw",
    } | (overrides)


def test_admin_adds_a_user_to_their_own_organisation(client, world, auth_headers):
    response = client.post("/api/v1/users", json=_new_user(), headers=auth_headers(world.a.contractor_admin))

    assert response.status_code == 201
    assert response.json["email"] == "new.person@example.org"
    assert response.json["organisation"]["id"] == str(world.a.contractor.id)
    assert "password" not in response.json
    assert "password_hash" not in response.json


def test_the_new_user_can_sign_in(client, world, auth_headers):
    client.post("/api/v1/users", json=_new_user(), headers=auth_headers(world.a.contractor_admin))

    response = client.post("/api/v1/auth/login", json={"email": "new.person@example.org", "password": "long enough pw"})

    assert response.status_code == 200


def test_passwords_are_stored_as_argon2_hashes(client, world, auth_headers):
    client.post("/api/v1/users", json=_new_user(), headers=auth_headers(world.a.contractor_admin))

    stored = db.session.scalar(sa.select(User.password_hash).where(User.email == "new.person@example.org"))

    assert stored.startswith("$argon2id$")


def test_an_email_already_taken_is_a_conflict(client, world, auth_headers):
    response = client.post(
        "/api/v1/users",
        json=_new_user(email=world.b.operative.email.upper()),
        headers=auth_headers(world.a.contractor_admin),
    )

    assert response.status_code == 409
    assert response.json["code"] == "already_exists"


def test_an_admin_cannot_add_users_to_a_partner_organisation(client, world, auth_headers):
    response = client.post(
        "/api/v1/users",
        json=_new_user(organisation_id=str(world.a.landlord.id)),
        headers=auth_headers(world.a.contractor_admin),
    )

    assert response.status_code == 403


def test_another_organisation_is_answered_as_unknown(client, world, auth_headers):
    response = client.post(
        "/api/v1/users",
        json=_new_user(organisation_id=str(world.b.contractor.id)),
        headers=auth_headers(world.a.contractor_admin),
    )

    assert response.status_code == 422
    assert "organisation_id" in response.json["errors"]


def test_a_short_password_is_refused(client, world, auth_headers):
    response = client.post(
        "/api/v1/users", json=_new_user(password="short"), headers=auth_headers(world.a.contractor_admin)
    )

    assert response.status_code == 422
    assert "password" in response.json["errors"]


def test_operatives_see_only_themselves(client, world, auth_headers):
    body = client.get("/api/v1/users", headers=auth_headers(world.a.operative)).json

    assert [u["id"] for u in body["items"]] == [str(world.a.operative.id)]


def test_managers_see_their_organisation(client, world, auth_headers):
    body = client.get("/api/v1/users?per_page=100", headers=auth_headers(world.a.contractor_manager)).json

    ids = {u["id"] for u in body["items"]}
    assert ids == {
        str(u.id)
        for u in (world.a.contractor_admin, world.a.contractor_manager, world.a.operative, world.a.other_operative)
    }


def test_a_user_changes_their_own_phone(client, world, auth_headers):
    response = client.patch(
        f"/api/v1/users/{world.a.operative.id}", json={"phone": "07700 900999"}, headers=auth_headers(world.a.operative)
    )

    assert response.status_code == 200
    assert response.json["phone"] == "07700 900999"


def test_a_user_cannot_promote_themselves(client, world, auth_headers):
    response = client.patch(
        f"/api/v1/users/{world.a.operative.id}", json={"role": "admin"}, headers=auth_headers(world.a.operative)
    )

    assert response.status_code == 403


def test_an_admin_cannot_deactivate_themselves(client, world, auth_headers):
    response = client.post(
        f"/api/v1/users/{world.a.contractor_admin.id}/deactivate", headers=auth_headers(world.a.contractor_admin)
    )

    assert response.status_code == 409


def test_a_deactivated_user_can_be_reactivated_and_sign_in_again(client, world, auth_headers):
    headers = auth_headers(world.a.contractor_admin)
    client.post(f"/api/v1/users/{world.a.operative.id}/deactivate", headers=headers)

    response = client.post(f"/api/v1/users/{world.a.operative.id}/reactivate", headers=headers)
    login = client.post("/api/v1/auth/login", json={"email": world.a.operative.email, "password": factories.PASSWORD})

    assert response.json["active"] is True
    assert login.status_code == 200


def test_the_platform_admin_creates_an_organisations_first_admin(client, world, auth_headers):
    response = client.post(
        "/api/v1/users",
        json=_new_user(role="admin", organisation_id=str(world.b.landlord.id)),
        headers=auth_headers(world.platform_admin),
    )

    assert response.status_code == 201
    assert response.json["organisation"]["kind"] == "landlord"
