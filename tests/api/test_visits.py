"""Booking visits through the office API: lists, filters, create, reschedule, reassign, cancel."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import Change, SensitiveRead, Visit, VisitStatus
from tests import factories


def _window(hours_from_now: int, now) -> dict:
    start = (now + timedelta(hours=hours_from_now)).replace(microsecond=0)
    return {"window_start": start.isoformat(), "window_end": (start + timedelta(hours=2)).isoformat()}


def _create_body(side, now, **overrides) -> dict:
    body = {
        "contract_id": str(side.contract.id),
        "property_id": str(side.home.id),
        "operative_id": str(side.operative.id),
        "repair_reference": "HAV-1234",
        **_window(24, now),
    }
    return {**body, **overrides}


def test_operative_lists_only_their_own_visits(client, world, auth_headers):
    factories.visit(world.a.contract, world.a.home, world.a.other_operative)

    response = client.get("/api/v1/visits", headers=auth_headers(world.a.operative))

    assert response.status_code == 200
    assert [v["id"] for v in response.json["items"]] == [str(world.a.visit.id)]
    assert response.json["meta"] == {"page": 1, "per_page": 20, "total": 1, "pages": 1}


def test_visit_carries_what_the_operative_needs_at_the_door(client, world, auth_headers):
    world.a.home.household.preferred_language = "ur"
    world.a.home.household.needs = ["interpreter"]
    db.session.flush()

    body = client.get(f"/api/v1/visits/{world.a.visit.id}", headers=auth_headers(world.a.operative)).json

    household = body["property"]["household"]
    assert household["preferred_language"] == "ur"
    assert household["needs"] == ["interpreter"]
    assert household["has_doorstep_password"] is False
    assert "doorstep_password" not in household


def test_list_includes_every_status_unless_filtered(client, world, auth_headers, now):
    for status in (VisitStatus.COMPLETED, VisitStatus.CANCELLED, VisitStatus.MISSED):
        factories.visit(world.a.contract, world.a.home, world.a.operative, status=status)
    headers = auth_headers(world.a.contractor_manager)

    everything = client.get("/api/v1/visits", headers=headers).json
    cancelled = client.get("/api/v1/visits?status=cancelled&status=missed", headers=headers).json

    assert everything["meta"]["total"] == 4
    assert sorted(v["status"] for v in cancelled["items"]) == ["cancelled", "missed"]


def test_list_filters_by_date_range_operative_and_contract(client, world, auth_headers, now):
    later = factories.visit(
        world.a.contract,
        world.a.home,
        world.a.other_operative,
        window_start=now + timedelta(days=3),
        window_end=now + timedelta(days=3, hours=2),
    )
    headers = auth_headers(world.a.landlord_manager)
    from_ = (now + timedelta(days=2)).isoformat().replace("+00:00", "Z")

    by_date = client.get("/api/v1/visits", query_string={"from": from_}, headers=headers).json
    by_operative = client.get(f"/api/v1/visits?operative={world.a.operative.id}", headers=headers).json
    by_contract = client.get(f"/api/v1/visits?contract={world.b.contract.id}", headers=headers).json

    assert [v["id"] for v in by_date["items"]] == [str(later.id)]
    assert [v["id"] for v in by_operative["items"]] == [str(world.a.visit.id)]
    assert by_contract["items"] == []


def test_pagination_reports_pages(client, world, auth_headers):
    for _ in range(4):
        factories.visit(world.a.contract, world.a.home, world.a.operative)

    body = client.get("/api/v1/visits?per_page=2&page=3", headers=auth_headers(world.a.operative)).json

    assert body["meta"] == {"page": 3, "per_page": 2, "total": 5, "pages": 3}
    assert len(body["items"]) == 1


def test_manager_books_a_visit(client, world, auth_headers, now):
    response = client.post(
        "/api/v1/visits", json=_create_body(world.a, now), headers=auth_headers(world.a.contractor_manager)
    )

    assert response.status_code == 201
    assert response.headers["Location"] == f"/api/v1/visits/{response.json['id']}"
    assert response.json["status"] == "scheduled"
    assert response.json["version"] == 1


def test_a_device_generated_visit_id_is_kept(client, world, auth_headers, now):
    visit_id = "3f0f8f3e-8a8e-4a44-9b3a-3e5d1c0b7a11"

    response = client.post(
        "/api/v1/visits", json=_create_body(world.a, now, id=visit_id), headers=auth_headers(world.a.landlord_manager)
    )

    assert response.status_code == 201
    assert response.json["id"] == visit_id


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("operative_id", "other-side-operative"),
        ("property_id", "other-side-home"),
        ("contract_id", "other-side-contract"),
    ],
)
def test_booking_refuses_records_from_another_organisation(client, world, auth_headers, now, field, value):
    foreign = {
        "other-side-operative": world.b.operative.id,
        "other-side-home": world.b.home.id,
        "other-side-contract": world.b.contract.id,
    }[value]

    response = client.post(
        "/api/v1/visits",
        json=_create_body(world.a, now, **{field: str(foreign)}),
        headers=auth_headers(world.a.contractor_manager),
    )

    assert response.status_code == 422
    assert field in response.json["errors"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Visit)) == 2


def test_a_window_that_ends_before_it_starts_is_refused(client, world, auth_headers, now):
    window = _window(24, now)
    body = _create_body(world.a, now, window_start=window["window_end"], window_end=window["window_start"])

    response = client.post("/api/v1/visits", json=body, headers=auth_headers(world.a.contractor_manager))

    assert response.status_code == 422
    assert "window_end" in response.json["errors"]


def test_reschedule_moves_the_window_and_bumps_the_version(client, world, auth_headers, now):
    response = client.post(
        f"/api/v1/visits/{world.a.visit.id}/reschedule",
        json={**_window(48, now), "version": 1},
        headers=auth_headers(world.a.contractor_manager),
    )

    assert response.status_code == 200
    assert response.json["version"] == 2
    assert response.json["window_start"].startswith(_window(48, now)["window_start"][:16])


def test_reschedule_with_a_stale_version_is_a_conflict(client, world, auth_headers, now):
    response = client.post(
        f"/api/v1/visits/{world.a.visit.id}/reschedule",
        json={**_window(48, now), "version": 7},
        headers=auth_headers(world.a.contractor_manager),
    )

    assert response.status_code == 409
    assert response.json["code"] == "conflict"
    assert response.json["current_version"] == 1


def test_a_visit_in_progress_cannot_be_rescheduled(client, world, auth_headers, now):
    world.a.visit.status = VisitStatus.IN_PROGRESS
    db.session.flush()

    response = client.post(
        f"/api/v1/visits/{world.a.visit.id}/reschedule",
        json=_window(48, now),
        headers=auth_headers(world.a.contractor_manager),
    )

    assert response.status_code == 409
    assert response.json["code"] == "invalid_transition"


def test_reassign_moves_the_visit_between_operatives(client, world, auth_headers):
    response = client.post(
        f"/api/v1/visits/{world.a.visit.id}/reassign",
        json={"operative_id": str(world.a.other_operative.id)},
        headers=auth_headers(world.a.contractor_manager),
    )

    assert response.status_code == 200
    assert response.json["operative"]["id"] == str(world.a.other_operative.id)
    first = client.get("/api/v1/visits", headers=auth_headers(world.a.operative)).json
    assert first["items"] == []


def test_cancel_records_the_reason_and_is_harmless_to_repeat(client, world, auth_headers):
    headers = auth_headers(world.a.landlord_manager)
    url = f"/api/v1/visits/{world.a.visit.id}/cancel"

    first = client.post(url, json={"reason": "Tenant in hospital"}, headers=headers)
    second = client.post(url, json={"reason": "Tenant in hospital"}, headers=headers)

    assert first.status_code == second.status_code == 200
    assert first.json["status"] == "cancelled"
    assert first.json["cancel_reason"] == "Tenant in hospital"
    assert second.json["version"] == first.json["version"]


def test_a_completed_visit_cannot_be_cancelled(client, world, auth_headers):
    world.a.visit.status = VisitStatus.COMPLETED
    db.session.flush()

    url = f"/api/v1/visits/{world.a.visit.id}/cancel"

    response = client.post(url, json={"reason": "Duplicate booking"}, headers=auth_headers(world.a.contractor_admin))

    assert response.status_code == 409
    assert response.json["code"] == "invalid_transition"


def test_the_doorstep_password_is_released_to_the_assigned_operative_on_the_day_and_logged(
    client, world, auth_headers, now
):
    world.a.visit.window_start, world.a.visit.window_end = now, now + timedelta(hours=2)  # today in London
    client.patch(
        f"/api/v1/households/{world.a.home.household.id}",
        json={"doorstep_password": "bluebell"},
        headers=auth_headers(world.a.landlord_admin),
    )

    response = client.get(
        f"/api/v1/visits/{world.a.visit.id}/doorstep-password", headers=auth_headers(world.a.operative)
    )

    assert response.status_code == 200
    assert response.json == {"doorstep_password": "bluebell"}
    reads = db.session.scalars(sa.select(SensitiveRead)).all()
    assert [(r.user_id, r.field) for r in reads] == [(world.a.operative.id, "doorstep_password")]


def test_the_doorstep_password_is_not_released_before_the_visit_day(client, world, auth_headers, now):
    world.a.visit.window_start = now + timedelta(days=3)
    world.a.visit.window_end = now + timedelta(days=3, hours=2)
    db.session.flush()

    response = client.get(
        f"/api/v1/visits/{world.a.visit.id}/doorstep-password", headers=auth_headers(world.a.operative)
    )

    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SensitiveRead)) == 0


def _running_late(client, world, auth_headers, expected, user=None):
    return client.post(
        f"/api/v1/visits/{world.a.visit.id}/running-late",
        json={"expected_at": expected.isoformat()},
        headers=auth_headers(user or world.a.operative),
    )


def test_running_late_keeps_the_expected_time_bumps_the_version_and_reaches_the_tablet(client, world, auth_headers):
    expected = world.a.visit.window_start + timedelta(minutes=40)

    response = _running_late(client, world, auth_headers, expected)

    assert response.status_code == 200
    assert response.json["expected_arrival_at"].startswith(expected.isoformat()[:19])
    assert response.json["version"] == 2
    changed = sa.select(Change.version).where(Change.entity == "visit", Change.entity_id == world.a.visit.id)
    assert 2 in db.session.scalars(changed).all()


@pytest.mark.parametrize(
    ("minutes_from_now", "why"), [(-30, "This time has passed."), (13 * 60, "More than 12 hours ahead.")]
)
def test_running_late_refuses_a_time_that_makes_no_sense(client, world, auth_headers, now, minutes_from_now, why):
    response = _running_late(client, world, auth_headers, now + timedelta(minutes=minutes_from_now))

    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.json["errors"] == {"expected_at": [why]}
    assert db.session.get(Visit, world.a.visit.id).expected_arrival_at is None


def test_running_late_is_only_for_a_visit_not_started(client, world, auth_headers, now):
    world.a.visit.status, world.a.visit.arrived_at = VisitStatus.IN_PROGRESS, now
    db.session.flush()

    response = _running_late(client, world, auth_headers, now + timedelta(minutes=30))

    assert response.status_code == 409 and response.json["code"] == "invalid_transition"
