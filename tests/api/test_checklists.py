"""Each contract's checklist is versioned data; a report keeps the version it was filled against."""

from tests import factories

NEW_ITEMS = [
    {"key": "cleaned_up", "label": "Cleaned up and left the home as found", "type": "yes_no"},
    {"key": "radio_off", "label": "No radio played without asking", "type": "yes_no", "required": False},
]


def test_a_contract_starts_with_the_default_checklist(client, world, auth_headers):
    body = client.get(
        f"/api/v1/contracts/{world.a.contract.id}/checklist", headers=auth_headers(world.a.operative)
    ).json

    keys = [item["key"] for item in body["items"]]
    assert body["version"] == 1
    assert {"overshoes_and_dust_sheets", "damage_caused", "cleaned_up", "tenant_signature"} <= set(keys)
    assert "id_shown" not in keys  # measured from the visit's own record instead


def test_publishing_makes_a_new_version_and_reports_keep_theirs(client, world, auth_headers):
    operative = auth_headers(world.a.operative)
    visit_url = f"/api/v1/visits/{world.a.visit.id}"
    client.post(f"{visit_url}/arrive", json={}, headers=operative)
    client.post(f"{visit_url}/report", json={"answers": factories.answers_for()}, headers=operative)

    published = client.post(
        f"/api/v1/contracts/{world.a.contract.id}/checklist",
        json={"items": NEW_ITEMS},
        headers=auth_headers(world.a.landlord_admin),
    )
    later = factories.visit(world.a.contract, world.a.home, world.a.operative)

    assert published.status_code == 201
    assert published.json["version"] == 2
    assert client.get(visit_url, headers=operative).json["checklist"]["version"] == 1
    assert client.get(f"/api/v1/visits/{later.id}", headers=operative).json["checklist"]["version"] == 2


def test_a_checklist_is_validated(client, world, auth_headers):
    items = [
        {"key": "cleaned_up", "label": "Cleaned up", "type": "yes_no"},
        {"key": "cleaned_up", "label": "Again", "type": "yes_no"},
        {"key": "mood", "label": "Mood", "type": "choice"},
        {"key": "why", "label": "Why", "type": "text", "when": [{"item": "later", "equals": True}]},
    ]

    response = client.post(
        f"/api/v1/contracts/{world.a.contract.id}/checklist",
        json={"items": items},
        headers=auth_headers(world.a.landlord_admin),
    )

    assert response.status_code == 422
    assert response.json["code"] == "validation_failed"


def test_an_unknown_item_type_is_named(client, world, auth_headers):
    response = client.post(
        f"/api/v1/contracts/{world.a.contract.id}/checklist",
        json={"items": [{"key": "x", "label": "X", "type": "hologram"}]},
        headers=auth_headers(world.a.landlord_admin),
    )

    assert response.status_code == 422
    assert "type" in str(response.json["errors"])
