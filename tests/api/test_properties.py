"""Landlord admins keep their homes and households; the doorstep password stays encrypted."""

import sqlalchemy as sa

from server.extensions import db
from server.models import Household


def _home(**overrides) -> dict:
    return {"house": "7", "street": "Orchard Close", "town": "Duns", "postcode": "td11 3aa"} | overrides


def test_landlord_admin_adds_a_home_with_a_normalised_postcode(client, world, auth_headers):
    response = client.post("/api/v1/properties", json=_home(), headers=auth_headers(world.a.landlord_admin))

    assert response.status_code == 201
    assert response.json["postcode"] == "TD11 3AA"
    assert response.json["landlord_id"] == str(world.a.landlord.id)


def test_a_postcode_that_is_not_one_is_refused(client, world, auth_headers):
    response = client.post(
        "/api/v1/properties", json=_home(postcode="not a postcode"), headers=auth_headers(world.a.landlord_admin)
    )

    assert response.status_code == 422
    assert "postcode" in response.json["errors"]


def test_a_uprn_is_unique(client, world, auth_headers):
    response = client.post(
        "/api/v1/properties", json=_home(uprn=world.b.home.uprn), headers=auth_headers(world.a.landlord_admin)
    )

    assert response.status_code == 409


def test_contractors_do_not_add_homes(client, world, auth_headers):
    response = client.post("/api/v1/properties", json=_home(), headers=auth_headers(world.a.contractor_admin))

    assert response.status_code == 403


def test_properties_are_filtered_by_postcode(client, world, auth_headers):
    headers = auth_headers(world.a.landlord_admin)
    client.post("/api/v1/properties", json=_home(), headers=headers)

    body = client.get("/api/v1/properties?postcode=TD113AA", headers=headers).json

    assert [p["postcode"] for p in body["items"]] == ["TD11 3AA"]


def test_the_doorstep_password_is_encrypted_at_rest_and_never_returned(client, world, auth_headers):
    household_id = world.a.home.household.id

    response = client.patch(
        f"/api/v1/households/{household_id}",
        json={"doorstep_password": "bluebell", "needs": ["large_print"]},
        headers=auth_headers(world.a.landlord_admin),
    )

    stored = db.session.scalar(sa.select(Household.doorstep_password_encrypted).where(Household.id == household_id))
    assert response.status_code == 200
    assert response.json["has_doorstep_password"] is True
    assert "bluebell" not in response.get_data(as_text=True)
    assert stored and "bluebell" not in stored


def test_a_household_update_with_a_stale_version_is_a_conflict(client, world, auth_headers):
    response = client.patch(
        f"/api/v1/households/{world.a.home.household.id}",
        json={"tenant_name": "A N Other", "version": 9},
        headers=auth_headers(world.a.landlord_admin),
    )

    assert response.status_code == 409


def test_an_unknown_language_or_need_is_refused(client, world, auth_headers):
    response = client.patch(
        f"/api/v1/households/{world.a.home.household.id}",
        json={"preferred_language": "klingon", "needs": ["jetpack"]},
        headers=auth_headers(world.a.landlord_admin),
    )

    assert response.status_code == 422
    assert set(response.json["errors"]) == {"preferred_language", "needs"}


def test_the_operative_sees_the_household_of_their_visit(client, world, auth_headers):
    response = client.get(f"/api/v1/households/{world.a.home.household.id}", headers=auth_headers(world.a.operative))

    assert response.status_code == 200
    assert response.json["tenant_name"] == world.a.home.household.tenant_name


def test_the_operative_loses_the_household_when_the_visit_is_reassigned(client, world, auth_headers):
    client.post(
        f"/api/v1/visits/{world.a.visit.id}/reassign",
        json={"operative_id": str(world.a.other_operative.id)},
        headers=auth_headers(world.a.contractor_manager),
    )

    response = client.get(f"/api/v1/households/{world.a.home.household.id}", headers=auth_headers(world.a.operative))

    assert response.status_code == 404
