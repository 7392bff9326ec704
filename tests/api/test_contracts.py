"""Contracts carry the landlord's service standards as validated data, defaulting to the policies."""


def _create_body(world, **overrides) -> dict:
    body = {
        "landlord_id": str(world.a.landlord.id),
        "contractor_id": str(world.b.contractor.id),
        "reference": "HAV-GAS-2027",
        "name": "Gas servicing",
    }
    return body | overrides


def test_a_new_contract_takes_the_policy_defaults(client, world, auth_headers):
    response = client.post("/api/v1/contracts", json=_create_body(world), headers=auth_headers(world.platform_admin))

    standards = response.json["standards"]
    assert response.status_code == 201
    assert standards["punctuality_minutes"] == 10
    assert standards["planned_works_notice_working_days"] == 10
    assert standards["missed_appointments_before_compensation"] == 2
    assert standards["compensation_daily_cap_pence"] == 7000
    assert standards["damp_mould_investigate_working_days"] == 10
    assert standards["emergency_response_hours"] == 24


def test_a_contract_overrides_a_standard(client, world, auth_headers):
    body = _create_body(world, standards={"punctuality_minutes": 5})

    response = client.post("/api/v1/contracts", json=body, headers=auth_headers(world.platform_admin))

    assert response.json["standards"]["punctuality_minutes"] == 5
    assert response.json["standards"]["clean_up"] is True


def test_an_unknown_or_out_of_range_standard_is_named(client, world, auth_headers):
    body = _create_body(world, standards={"punctuality_minutes": -3, "free_biscuits": True})

    response = client.post("/api/v1/contracts", json=body, headers=auth_headers(world.platform_admin))

    assert response.status_code == 422
    assert set(response.json["errors"]["standards"]) == {"punctuality_minutes", "free_biscuits"}


def test_the_landlord_admin_changes_one_standard_and_keeps_the_rest(client, world, auth_headers):
    response = client.patch(
        f"/api/v1/contracts/{world.a.contract.id}",
        json={"standards": {"no_access_wait_minutes": 5}},
        headers=auth_headers(world.a.landlord_admin),
    )

    assert response.status_code == 200
    assert response.json["standards"]["no_access_wait_minutes"] == 5
    assert response.json["standards"]["punctuality_minutes"] == 10
    assert response.json["version"] == 2


def test_the_contractor_cannot_change_the_landlords_standards(client, world, auth_headers):
    response = client.patch(
        f"/api/v1/contracts/{world.a.contract.id}",
        json={"standards": {"punctuality_minutes": 60}},
        headers=auth_headers(world.a.contractor_admin),
    )

    assert response.status_code == 403


def test_a_contract_needs_a_landlord_and_a_contractor(client, world, auth_headers):
    body = _create_body(world, landlord_id=str(world.b.contractor.id))

    response = client.post("/api/v1/contracts", json=body, headers=auth_headers(world.platform_admin))

    assert response.status_code == 422
    assert "landlord_id" in response.json["errors"]


def test_the_operatives_a_visit_can_go_to(client, world, auth_headers):
    body = client.get(
        f"/api/v1/contracts/{world.a.contract.id}/operatives", headers=auth_headers(world.a.landlord_manager)
    ).json

    assert {o["id"] for o in body["items"]} == {str(world.a.operative.id), str(world.a.other_operative.id)}
