"""Lists never leak another organisation's records: not in the items, not in the count, not through a filter."""

import pytest

from server.models import VisitStatus
from tests import factories

SIDE_A_CALLERS = (
    "operative",
    "other_operative",
    "contractor_manager",
    "contractor_admin",
    "landlord_manager",
    "landlord_admin",
)


def _side_b_records(world) -> dict[str, set[str]]:
    """Every record of side B each list could show, after giving side B some more of everything."""
    b = world.b
    home = factories.home(b.landlord)
    extra_visits = [
        factories.visit(b.contract, home, b.other_operative),
        factories.visit(b.contract, b.home, b.operative, status=VisitStatus.CANCELLED),
        factories.visit(b.contract, home, None),
    ]
    people = (b.landlord_admin, b.landlord_manager, b.contractor_admin, b.contractor_manager, b.operative)
    return {
        "/api/v1/visits": {str(v.id) for v in [b.visit, *extra_visits]},
        "/api/v1/properties": {str(b.home.id), str(home.id)},
        "/api/v1/users": {str(u.id) for u in [*people, b.other_operative]},
        "/api/v1/contracts": {str(b.contract.id)},
        "/api/v1/organisations": {str(b.landlord.id), str(b.contractor.id)},
    }


def _ids(client, path: str, headers: dict) -> set[str]:
    response = client.get(path, query_string={"per_page": 100}, headers=headers)
    assert response.status_code == 200, response.json
    items = response.json["items"]
    assert response.json["meta"]["total"] == len(items)  # nothing hidden is counted either
    return {item["id"] for item in items}


@pytest.mark.parametrize("caller", SIDE_A_CALLERS)
@pytest.mark.parametrize(
    "path", ["/api/v1/visits", "/api/v1/properties", "/api/v1/users", "/api/v1/contracts", "/api/v1/organisations"]
)
def test_a_list_never_shows_another_organisations_records(client, world, auth_headers, path, caller):
    foreign = _side_b_records(world)[path]

    seen = _ids(client, path, auth_headers(getattr(world.a, caller)))

    assert not seen & foreign


@pytest.mark.parametrize("name", ["contract", "operative"])
def test_filtering_visits_by_another_organisations_ids_finds_nothing(client, world, auth_headers, name):
    foreign_id = {"contract": world.b.contract.id, "operative": world.b.operative.id}[name]

    response = client.get(
        "/api/v1/visits", query_string={name: str(foreign_id)}, headers=auth_headers(world.a.contractor_manager)
    )

    assert response.status_code == 200
    assert response.json["items"] == []
    assert response.json["meta"]["total"] == 0


def test_filtering_properties_by_a_shared_postcode_finds_only_your_own(client, world, auth_headers):
    # Both sides' homes are on Mill Road, IP33 3AA.
    response = client.get(
        "/api/v1/properties", query_string={"postcode": "IP33 3AA"}, headers=auth_headers(world.a.landlord_manager)
    )

    assert [p["id"] for p in response.json["items"]] == [str(world.a.home.id)]


@pytest.fixture
def shared(world):
    """Side A's contractor also works for side B's landlord, at one of its homes."""
    contract = factories.contract(world.b.landlord, world.a.contractor)
    home = factories.home(world.b.landlord)
    return factories.visit(contract, home, world.a.operative)


@pytest.mark.parametrize("caller", ["landlord_manager", "landlord_admin"])
def test_a_landlord_does_not_see_another_landlords_work_by_a_shared_contractor(
    client, world, auth_headers, shared, caller
):
    headers = auth_headers(getattr(world.a, caller))

    assert str(shared.id) not in _ids(client, "/api/v1/visits", headers)
    assert str(shared.property_id) not in _ids(client, "/api/v1/properties", headers)
    assert str(shared.contract_id) not in _ids(client, "/api/v1/contracts", headers)
    assert str(world.b.landlord.id) not in _ids(client, "/api/v1/organisations", headers)


def test_a_contractor_sees_its_work_for_another_landlord_but_not_that_landlords_other_contractor(
    client, world, auth_headers, shared
):
    headers = auth_headers(world.a.contractor_manager)

    visits = _ids(client, "/api/v1/visits", headers)
    properties = _ids(client, "/api/v1/properties", headers)
    organisations = _ids(client, "/api/v1/organisations", headers)

    assert str(shared.id) in visits
    assert str(world.b.visit.id) not in visits
    assert str(shared.property_id) in properties
    assert str(world.b.home.id) not in properties  # the other contractor's job, at the same landlord
    assert str(world.b.landlord.id) in organisations
    assert str(world.b.contractor.id) not in organisations


def test_an_operative_working_for_two_landlords_sees_only_their_own_visits(client, world, auth_headers, shared):
    visits = _ids(client, "/api/v1/visits", auth_headers(world.a.operative))

    assert visits == {str(world.a.visit.id), str(shared.id)}
