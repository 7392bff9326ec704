"""Every error is application/problem+json with a stable code, and a refused write changes nothing."""

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import Change, Visit


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_malformed_json_is_a_400(client, world, auth_headers):
    response = client.post(
        "/api/v1/visits",
        data='{"contract_id": ',
        content_type="application/json",
        headers=auth_headers(world.a.contractor_manager),
    )

    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "malformed_json"


def test_an_unknown_field_is_named(client, world, auth_headers):
    response = client.patch(
        f"/api/v1/households/{world.a.home.household.id}",
        json={"tenant_name": "Ann", "favourite_colour": "blue"},
        headers=auth_headers(world.a.landlord_admin),
    )

    assert response.status_code == 422
    assert response.json["code"] == "validation_failed"
    assert "favourite_colour" in response.json["errors"]


def test_an_unknown_query_parameter_is_named(client, world, auth_headers):
    response = client.get("/api/v1/visits?stauts=scheduled", headers=auth_headers(world.a.operative))

    assert response.status_code == 422
    assert "stauts" in response.json["errors"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("window_start", "tomorrow morning"), ("contract_id", 42), ("kind", "plumbing"), ("repair_reference", [])],
)
def test_a_wrong_type_is_named(client, world, auth_headers, field, value):
    body = {
        "contract_id": str(world.a.contract.id),
        "property_id": str(world.a.home.id),
        "repair_reference": "R-1",
        "window_start": "2026-12-01T09:00:00Z",
        "window_end": "2026-12-01T11:00:00Z",
        field: value,
    }

    response = client.post("/api/v1/visits", json=body, headers=auth_headers(world.a.contractor_manager))

    assert response.status_code == 422
    assert field in response.json["errors"]


def test_a_time_without_a_zone_is_refused(client, world, auth_headers):
    response = client.post(
        f"/api/v1/visits/{world.a.visit.id}/reschedule",
        json={"window_start": "2026-12-01T09:00:00", "window_end": "2026-12-01T11:00:00"},
        headers=auth_headers(world.a.contractor_manager),
    )

    assert response.status_code == 422


def test_a_huge_body_is_a_413(client, world, auth_headers):
    response = client.post(
        "/api/v1/visits",
        data='{"notes": "' + "x" * (2 * 1024 * 1024) + '"}',
        content_type="application/json",
        headers=auth_headers(world.a.contractor_manager),
    )

    assert response.status_code == 413
    assert response.json["code"] == "payload_too_large"


def test_a_body_that_is_not_json_is_refused_clearly(client, world, auth_headers):
    response = client.post(
        "/api/v1/visits",
        data="contract_id=1",
        content_type="application/x-www-form-urlencoded",
        headers=auth_headers(world.a.contractor_manager),
    )

    assert 400 <= response.status_code < 500
    assert response.mimetype == "application/problem+json"


def test_an_unknown_path_is_a_problem(client):
    response = client.get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json == {
        "type": "urn:doorstep:problem:not_found",
        "title": "Not found",
        "status": 404,
        "code": "not_found",
        "detail": response.json["detail"],
        "instance": "/api/v1/nothing-here",
    }


def test_a_wrong_method_names_the_allowed_ones(client):
    response = client.delete("/api/v1/auth/login")

    assert response.status_code == 405
    assert response.json["code"] == "method_not_allowed"
    assert "POST" in response.headers["Allow"]


def test_a_malformed_id_in_the_path_is_a_404(client, world, auth_headers):
    response = client.get("/api/v1/visits/not-a-uuid", headers=auth_headers(world.a.operative))

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(("per_page", "status"), [(0, 422), (1, 200), (100, 200), (101, 422)])
def test_page_size_is_bounded(client, world, auth_headers, per_page, status):
    response = client.get(f"/api/v1/visits?per_page={per_page}", headers=auth_headers(world.a.operative))

    assert response.status_code == status


def test_a_refused_write_leaves_no_record_and_no_change(client, world, auth_headers):
    before = (_count(Visit), _count(Change))

    response = client.post(
        "/api/v1/visits",
        json={
            "contract_id": str(world.a.contract.id),
            "property_id": str(world.a.home.id),
            "operative_id": str(world.b.operative.id),  # not this contractor's: refused after the lookups began
            "repair_reference": "R-1",
            "window_start": "2026-12-01T09:00:00Z",
            "window_end": "2026-12-01T11:00:00Z",
        },
        headers=auth_headers(world.a.contractor_manager),
    )

    assert response.status_code == 422
    assert (_count(Visit), _count(Change)) == before


def test_health_and_readiness(client, database_url):
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz").json
    assert ready["status"] == "ready"
    assert ready["database"] == ("sqlite" if database_url.startswith("sqlite") else "postgresql")


def test_every_response_carries_a_request_id(client):
    made = client.get("/healthz")
    echoed = client.get("/healthz", headers={"X-Request-Id": "tablet-7-0042"})
    refused = client.get("/healthz", headers={"X-Request-Id": "<script>"})

    assert len(made.headers["X-Request-Id"]) == 32
    assert echoed.headers["X-Request-Id"] == "tablet-7-0042"
    assert refused.headers["X-Request-Id"] != "<script>"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/v1/auth/login", {"json": {"email": "\x00dan@example.org", "password": "x" * 12}}),
        ("GET", "/api/v1/visits?status=sched\x00uled", {}),
        ("PATCH", "/api/v1/users/{operative}", {"json": {"name": "Dan\x00"}}),
        ("POST", "/v/any-token/booked", {"data": {"postcode": "IP33 3AA", "house": "1\x00"}}),
    ],
)
def test_a_nul_character_anywhere_is_a_clear_400_on_every_database(client, world, auth_headers, method, path, body):
    before = _count(Change)

    path = path.format(operative=world.a.operative.id)

    response = client.open(path, method=method, headers=auth_headers(world.a.operative), **body)

    assert response.status_code == 400
    assert response.json["code"] == "bad_request"
    assert "NUL" in response.json["detail"]
    assert _count(Change) == before
