"""Managers see tenants' asks for a new appointment (sent from calling cards) and mark them handled."""

import pytest

from tests import factories

API = "/api/v1/rebooking-requests"


def _items(client, headers, **query) -> list[dict]:
    response = client.get(API, query_string=query, headers=headers)
    assert response.status_code == 200, response.json
    return response.json["items"]


def test_a_tenants_ask_from_the_card_reaches_the_managers(client, world, auth_headers):
    attempt = factories.no_access(world.a.visit)
    client.post(
        f"/c/{attempt.card_serial}/rebook",
        json={"preferred_times": "afternoons", "details": "Fridays are best", "phone": "07700 900456"},
    )

    [item] = _items(client, auth_headers(world.a.landlord_manager))

    assert item["visit_id"] == str(world.a.visit.id)
    assert item["repair_reference"] == world.a.visit.repair_reference
    assert item["card_serial"] == attempt.card_serial
    assert (item["preferred_times"], item["details"], item["callback_phone"]) == (
        "afternoons",
        "Fridays are best",
        "07700 900456",
    )
    assert item["open"] is True and item["handled_at"] is None


def test_open_true_leaves_out_the_handled_ones(client, world, auth_headers, now):
    waiting = factories.rebooking_request(world.a.visit)
    factories.rebooking_request(world.a.visit, handled_at=now, handled_by=world.a.contractor_manager.id)
    headers = auth_headers(world.a.contractor_manager)

    assert [item["id"] for item in _items(client, headers, open="true")] == [str(waiting.id)]
    assert len(_items(client, headers, open="false")) == 1
    assert len(_items(client, headers)) == 2


def test_handling_a_request_says_who_and_when(client, world, auth_headers):
    request = factories.rebooking_request(world.a.visit)
    manager = world.a.contractor_manager

    response = client.post(
        f"{API}/{request.id}/handle", json={"note": "Rebooked for Friday 9-11"}, headers=auth_headers(manager)
    )

    assert response.status_code == 200
    assert response.json["open"] is False
    assert response.json["handled_by"] == str(manager.id)
    assert response.json["handle_note"] == "Rebooked for Friday 9-11"
    assert response.json["handled_at"] is not None
    assert _items(client, auth_headers(world.a.landlord_manager), open="true") == []


def test_the_note_is_optional_and_the_first_handling_stays(client, world, auth_headers):
    request = factories.rebooking_request(world.a.visit)
    first = client.post(f"{API}/{request.id}/handle", headers=auth_headers(world.a.contractor_manager)).json

    again = client.post(
        f"{API}/{request.id}/handle", json={"note": "Me too"}, headers=auth_headers(world.a.landlord_admin)
    )

    assert again.json["handled_by"] == first["handled_by"] == str(world.a.contractor_manager.id)
    assert again.json["handle_note"] is None


def test_operatives_may_not_see_the_requests_or_their_phone_numbers(client, world, auth_headers):
    factories.rebooking_request(world.a.visit)

    response = client.get(API, headers=auth_headers(world.a.operative))

    assert response.status_code == 403
    assert response.json["code"] == "forbidden"
    assert "07700" not in response.get_data(as_text=True)


@pytest.mark.parametrize("body", [{"note": "x" * 2001}, {"note": 5}, {"colour": "red"}])
def test_a_bad_note_is_refused_and_changes_nothing(client, world, auth_headers, body):
    request = factories.rebooking_request(world.a.visit)
    headers = auth_headers(world.a.contractor_manager)

    response = client.post(f"{API}/{request.id}/handle", json=body, headers=headers)

    assert response.status_code == 422
    assert response.json["code"] == "validation_failed"
    assert _items(client, headers, open="true")[0]["id"] == str(request.id)


def test_a_bad_filter_is_refused(client, world, auth_headers):
    response = client.get(API, query_string={"open": "perhaps"}, headers=auth_headers(world.a.contractor_manager))

    assert response.status_code == 422
