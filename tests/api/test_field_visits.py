"""An operative's visit in the field: arrive, show ID, report or no access; and what the records prove."""

import uuid
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import Change, ConcernCategory, Region, SensitiveRead, Severity, VisitReport, VisitStatus
from server.services.deadlines import concern_due_at
from tests import factories


@pytest.fixture
def op(world, auth_headers):
    return auth_headers(world.a.operative)


def _url(world, action: str) -> str:
    return f"/api/v1/visits/{world.a.visit.id}/{action}"


def _arrive_and_show_id(client, world, op):
    assert client.post(_url(world, "arrive"), json={}, headers=op).status_code == 200
    assert client.post(_url(world, "id-shown"), json={}, headers=op).status_code == 200


def test_arriving_starts_the_visit_at_the_servers_time(client, world, op, now):
    tablet_clock = (now - timedelta(minutes=3)).isoformat()

    response = client.post(_url(world, "arrive"), json={"recorded_at": tablet_clock}, headers=op)

    assert response.status_code == 200
    assert response.json["status"] == "in_progress"
    assert response.json["device_arrived_at"] != response.json["arrived_at"]


def test_arriving_twice_is_harmless(client, world, op):
    first = client.post(_url(world, "arrive"), json={}, headers=op).json

    again = client.post(_url(world, "arrive"), json={}, headers=op)

    assert again.status_code == 200
    assert again.json["arrived_at"] == first["arrived_at"]
    assert again.json["version"] == first["version"]


def test_an_arrival_in_the_future_is_refused(client, world, op, now):
    response = client.post(
        _url(world, "arrive"), json={"recorded_at": (now + timedelta(hours=2)).isoformat()}, headers=op
    )

    assert response.status_code == 422
    assert "recorded_at" in response.json["errors"]


def test_id_cannot_be_shown_before_arriving(client, world, op):
    response = client.post(_url(world, "id-shown"), json={}, headers=op)

    assert response.status_code == 409
    assert response.json["code"] == "invalid_transition"


def test_a_full_report_completes_the_visit(client, world, op):
    _arrive_and_show_id(client, world, op)

    response = client.post(_url(world, "report"), json={"answers": factories.answers_for()}, headers=op)

    visit = client.get(f"/api/v1/visits/{world.a.visit.id}", headers=op).json
    assert response.status_code == 201
    assert response.json["template_version"] == 1
    assert visit["status"] == "completed"
    assert visit["departed_at"] is not None
    assert visit["report"]["id"] == response.json["id"]


def test_a_report_missing_answers_names_each_one_and_saves_nothing(client, world, op):
    _arrive_and_show_id(client, world, op)
    answers = factories.answers_for()
    del answers["cleaned_up"], answers["no_signature_reason"]

    response = client.post(_url(world, "report"), json={"answers": answers}, headers=op)

    assert response.status_code == 422
    assert set(response.json["errors"]) == {"cleaned_up", "no_signature_reason"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VisitReport)) == 0
    assert client.get(f"/api/v1/visits/{world.a.visit.id}", headers=op).json["status"] == "in_progress"


def test_damage_needs_to_say_whether_it_was_made_good_and_if_not_what_it_was(client, world, op):
    _arrive_and_show_id(client, world, op)
    answers = factories.answers_for() | {"damage_caused": True, "damage_made_good": False}

    response = client.post(_url(world, "report"), json={"answers": answers}, headers=op)

    assert response.json["errors"] == {"damage_description": ["Required."]}


def test_unknown_items_and_wrong_types_are_named(client, world, op):
    _arrive_and_show_id(client, world, op)
    answers = factories.answers_for() | {"free_biscuits": True, "cleaned_up": "yes", "satisfaction": "ecstatic"}

    response = client.post(_url(world, "report"), json={"answers": answers}, headers=op)

    assert set(response.json["errors"]) == {"free_biscuits", "cleaned_up", "satisfaction"}


def test_a_lone_worker_household_asks_about_the_lone_worker_notice(client, world, op):
    world.a.home.household.lone_worker = True
    db.session.flush()
    _arrive_and_show_id(client, world, op)

    response = client.post(_url(world, "report"), json={"answers": factories.answers_for()}, headers=op)

    assert response.json["errors"] == {"lone_worker_notice_followed": ["Required."]}


def test_a_signature_must_be_an_upload_of_this_visit(client, world, op):
    _arrive_and_show_id(client, world, op)
    answers = factories.answers_for() | {"tenant_signed": True, "tenant_name": "Ann Lee"}
    del answers["no_signature_reason"]
    answers["tenant_signature"] = "3f0f8f3e-8a8e-4a44-9b3a-3e5d1c0b7a11"

    response = client.post(_url(world, "report"), json={"answers": answers}, headers=op)

    assert "tenant_signature" in response.json["errors"]


def test_the_same_report_twice_is_harmless_but_different_answers_are_refused(client, world, op):
    _arrive_and_show_id(client, world, op)
    answers = factories.answers_for()
    first = client.post(_url(world, "report"), json={"answers": answers}, headers=op)

    again = client.post(_url(world, "report"), json={"answers": answers}, headers=op)
    different = client.post(_url(world, "report"), json={"answers": answers | {"cleaned_up": False}}, headers=op)

    assert again.status_code == 200
    assert again.json["id"] == first.json["id"]
    assert different.status_code == 409
    assert different.json["code"] == "already_reported"
    assert db.session.get(VisitReport, uuid.UUID(first.json["id"])).answers["cleaned_up"] is True


def test_a_cancelled_visit_cannot_be_reported(client, world, op):
    world.a.visit.status = VisitStatus.CANCELLED
    db.session.flush()

    response = client.post(_url(world, "report"), json={"answers": factories.answers_for()}, headers=op)

    assert response.status_code == 409


def test_no_access_records_the_wait_and_the_calling_card(client, world, op):
    response = client.post(
        _url(world, "no-access"), json={"waited_minutes": 12, "note": "", "card_left": True}, headers=op
    )

    assert response.status_code == 201
    assert len(response.json["serial"]) == 8
    assert response.json["waited_long_enough"] is True
    assert client.get(f"/api/v1/visits/{world.a.visit.id}", headers=op).json["status"] == "no_access"


def test_a_short_wait_is_recorded_and_flagged(client, world, op):
    client.post(_url(world, "no-access"), json={"waited_minutes": 3, "card_left": True}, headers=op)

    standards = client.get(f"/api/v1/visits/{world.a.visit.id}", headers=op).json["standards"]

    wait = next(s for s in standards if s["key"] == "no_access_wait")
    assert wait["met"] is False
    assert "3 min" in wait["reason"]


def test_managers_mark_a_visit_missed(client, world, auth_headers):
    response = client.post(_url(world, "missed"), json={}, headers=auth_headers(world.a.landlord_manager))

    assert response.json["status"] == "missed"
    assert response.json["missed_at"] is not None


def test_field_records_reach_the_change_log(client, world, op):
    _arrive_and_show_id(client, world, op)
    client.post(_url(world, "report"), json={"answers": factories.answers_for()}, headers=op)
    client.post(
        _url(world, "concerns"),
        json={"category": "damp_mould", "severity": "significant", "description": "Mould in the bathroom"},
        headers=op,
    )

    entities = db.session.scalars(sa.select(Change.entity).where(Change.operative_id == world.a.operative.id)).all()

    assert {"visit", "report", "concern"} <= set(entities)


# Standards, from the records ---------------------------------------------------------------------


def _standards(client, world, op) -> dict:
    body = client.get(f"/api/v1/visits/{world.a.visit.id}", headers=op).json
    return {s["key"]: s for s in body["standards"]}


def test_a_punctual_visit_with_id_shown_meets_its_standards(client, world, op, now):
    world.a.visit.window_start, world.a.visit.window_end = now - timedelta(minutes=30), now + timedelta(hours=1)
    db.session.flush()
    _arrive_and_show_id(client, world, op)
    client.post(_url(world, "report"), json={"answers": factories.answers_for()}, headers=op)

    standards = _standards(client, world, op)

    assert standards["punctuality"]["met"] is True
    assert standards["id_before_entry"]["met"] is True
    assert standards["overshoes_and_dust_sheets"]["met"] is True
    assert standards["clean_up"]["met"] is True


def test_arriving_after_the_window_misses_punctuality(client, world, op, now):
    world.a.visit.window_start, world.a.visit.window_end = now - timedelta(hours=3), now - timedelta(hours=1)
    db.session.flush()
    client.post(_url(world, "arrive"), json={}, headers=op)

    punctuality = _standards(client, world, op)["punctuality"]

    assert punctuality["met"] is False
    assert "after the booked window" in punctuality["reason"]


def test_a_contract_sets_its_own_punctuality(client, world, op, now):
    world.a.contract.standards = world.a.contract.standards | {"punctuality_minutes": 120}
    world.a.visit.window_start, world.a.visit.window_end = now - timedelta(hours=3), now - timedelta(hours=1)
    db.session.flush()
    client.post(_url(world, "arrive"), json={}, headers=op)

    assert _standards(client, world, op)["punctuality"]["met"] is True


def test_completing_without_showing_id_misses_the_standard(client, world, op):
    client.post(_url(world, "arrive"), json={}, headers=op)
    client.post(_url(world, "report"), json={"answers": factories.answers_for()}, headers=op)

    assert _standards(client, world, op)["id_before_entry"]["met"] is False


def test_planned_works_need_notice_in_working_days(client, world, op, now):
    visit = world.a.visit
    visit.kind = "planned_works"
    visit.planned_works_notice_on = (visit.window_start - timedelta(days=3)).date()
    db.session.flush()

    notice = _standards(client, world, op)["planned_works_notice"]

    assert notice["met"] is False
    assert "10 needed" in notice["reason"]


def test_a_third_missed_appointment_makes_compensation_due(client, world, auth_headers):
    side = world.a
    manager = auth_headers(side.contractor_manager)
    for _ in range(3):
        missed = factories.visit(side.contract, side.home, side.operative, repair_reference=side.visit.repair_reference)
        client.post(f"/api/v1/visits/{missed.id}/missed", json={}, headers=manager)

    standards = {s["key"]: s for s in client.get(f"/api/v1/visits/{side.visit.id}", headers=manager).json["standards"]}
    due = client.get("/api/v1/compensation", headers=manager).json["items"]

    assert standards["missed_appointments"]["met"] is False
    assert "£70.00 a day" in standards["missed_appointments"]["reason"]
    assert [(r["repair_reference"], r["missed"], r["due"]) for r in due] == [(side.visit.repair_reference, 3, True)]


def test_two_missed_appointments_are_not_yet_compensated(client, world, auth_headers):
    side = world.a
    manager = auth_headers(side.contractor_manager)
    for _ in range(2):
        factories.visit(side.contract, side.home, None, repair_reference=side.visit.repair_reference, status="missed")

    response = client.post(
        "/api/v1/compensation/claims",
        json={
            "contract_id": str(side.contract.id),
            "repair_reference": side.visit.repair_reference,
            "days_lost": 1,
            "earnings_lost_per_day_pence": 5000,
        },
        headers=manager,
    )

    assert response.status_code == 409


def test_a_claim_is_capped_per_day(client, world, auth_headers):
    side = world.a
    for _ in range(3):
        factories.visit(side.contract, side.home, None, repair_reference="HAV-9", status="missed")

    response = client.post(
        "/api/v1/compensation/claims",
        json={
            "contract_id": str(side.contract.id),
            "repair_reference": "HAV-9",
            "days_lost": 2,
            "earnings_lost_per_day_pence": 11000,
        },
        headers=auth_headers(side.landlord_manager),
    )

    assert response.status_code == 201
    assert response.json["claim"]["payable_pence"] == 2 * 7000


# Concerns ----------------------------------------------------------------------------------------


def _raise(client, world, headers, **body):
    payload = {"category": "damp_mould", "severity": "significant", "description": "Black mould behind the bed"}
    return client.post(_url(world, "concerns"), json=payload | body, headers=headers)


def test_a_concern_is_due_by_the_landlords_own_working_days(client, world, op):
    # The calendar itself (St Andrew's Day and the rest) is tested in tests/test_deadlines.py.
    world.a.landlord.region = "scotland"
    db.session.flush()

    response = _raise(client, world, op)

    raised_at = datetime.fromisoformat(response.json["raised_at"])
    expected = concern_due_at(
        ConcernCategory.DAMP_MOULD, Severity.SIGNIFICANT, raised_at, world.a.contract.standards, Region.SCOTLAND
    )
    assert response.status_code == 201
    assert datetime.fromisoformat(response.json["due_at"]) == expected
    assert response.json["status"] == "open"


def test_several_concerns_may_be_raised_from_one_visit(client, world, op):
    first = _raise(client, world, op)
    second = _raise(client, world, op, category="property_defect", description="Loose banister")

    assert first.status_code == second.status_code == 201
    assert first.json["id"] != second.json["id"]


def test_a_retried_concern_with_its_own_id_is_stored_once(client, world, op):
    concern_id = "9b2f8f3e-8a8e-4a44-9b3a-3e5d1c0b7a12"

    first = _raise(client, world, op, id=concern_id)
    retry = _raise(client, world, op, id=concern_id)

    assert (first.status_code, retry.status_code) == (201, 200)


def test_safeguarding_text_is_for_the_raiser_and_the_managers_only_and_each_read_is_logged(client, world, auth_headers):
    operative = auth_headers(world.a.operative)
    raised = _raise(client, world, operative, category="safeguarding", description="Bruising; tenant seemed afraid")
    factories.visit(world.a.contract, world.a.home, world.a.other_operative)  # the colleague's own visit there
    world.a.visit.operative_id = world.a.other_operative.id  # the visit moves to a colleague
    db.session.flush()

    colleague = client.get(f"/api/v1/concerns/{raised.json['id']}", headers=auth_headers(world.a.other_operative))
    manager = client.get(f"/api/v1/concerns/{raised.json['id']}", headers=auth_headers(world.a.landlord_manager))

    assert colleague.json["description"] is None
    assert colleague.json["restricted"] is True
    assert manager.json["description"] == "Bruising; tenant seemed afraid"
    reads = db.session.scalars(sa.select(SensitiveRead).where(SensitiveRead.entity == "concern")).all()
    assert [r.user_id for r in reads] == [world.a.landlord_manager.id]


def test_overdue_concerns_are_listed_until_acknowledged(client, world, auth_headers, now):
    late = factories.concern(world.a.visit, world.a.operative, due_at=now - timedelta(hours=1))
    factories.concern(world.a.visit, world.a.operative, due_at=now + timedelta(days=3))
    manager = auth_headers(world.a.landlord_manager)

    overdue = client.get("/api/v1/concerns?overdue=true", headers=manager).json["items"]
    client.post(f"/api/v1/concerns/{late.id}/acknowledge", json={"note": "Surveyor booked"}, headers=manager)
    after = client.get("/api/v1/concerns?overdue=true", headers=manager).json["items"]

    assert [c["id"] for c in overdue] == [str(late.id)]
    assert overdue[0]["overdue"] is True
    assert after == []


def test_resolving_needs_a_note(client, world, auth_headers):
    concern = factories.concern(world.a.visit, world.a.operative)
    manager = auth_headers(world.a.contractor_manager)

    refused = client.post(f"/api/v1/concerns/{concern.id}/resolve", json={}, headers=manager)
    resolved = client.post(f"/api/v1/concerns/{concern.id}/resolve", json={"note": "Rail refixed"}, headers=manager)

    assert refused.status_code == 422
    assert resolved.json["status"] == "resolved"
    assert resolved.json["resolution_note"] == "Rail refixed"
