"""POST /api/v1/sync/push: what a tablet recorded offline is applied once, in order, whatever is retried."""

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import Change, Concern, NoAccessAttempt, Visit, VisitReport, VisitStatus
from server.models.base import utcnow
from server.models.sync_mutations import SyncMutation
from server.services import visits
from tests import factories

PUSH = "/api/v1/sync/push"


@pytest.fixture
def op(world, auth_headers):
    return auth_headers(world.a.operative)


def mutation(entity: str, op_name: str, record_id, data=None, base_version=None, **fields) -> dict:
    """A mutation as a tablet queues it: its own UUID, the device's clock."""
    return {
        "mutation_id": str(uuid.uuid4()),
        "entity": entity,
        "op": op_name,
        "id": str(record_id),
        "base_version": base_version,
        "data": data if data is not None else {},
        "device_time": (utcnow() - timedelta(minutes=1)).isoformat(),
        **fields,
    }


def visit_op(world, op_name: str, data=None, **fields) -> dict:
    return mutation("visit", op_name, world.a.visit.id, data, **fields)


def raise_op(world, concern_id=None, **data) -> dict:
    body = {"visit_id": str(world.a.visit.id), "category": "damp_mould", "severity": "significant"}
    body |= {"description": "Black mould above the bedroom window"} | data
    return mutation("concern", "raise", concern_id or uuid.uuid4(), body)


def a_day_at_the_door(world) -> list[dict]:
    """Arrive, show ID, raise a concern, file the report: all based on the visit as last pulled (version 1)."""
    return [
        visit_op(world, "arrive", base_version=1),
        visit_op(world, "id_shown", base_version=1),
        raise_op(world),
        visit_op(world, "report", {"answers": factories.answers_for()}, base_version=1),
    ]


def push(client, headers, mutations, device_id="tablet-7"):
    return client.post(PUSH, json={"device_id": device_id, "mutations": mutations}, headers=headers)


def statuses(response) -> list[str]:
    assert response.status_code == 200, response.json
    return [r["status"] for r in response.json["results"]]


def counts() -> dict:
    """How many rows each table a push writes holds: a retry must change none of them."""
    models = (Visit, VisitReport, Concern, NoAccessAttempt, Change, SyncMutation)
    return {m.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in models}


# Each op, applied


def test_a_day_at_the_door_is_applied_in_order_with_each_record(client, world, op):
    batch = a_day_at_the_door(world)

    response = push(client, op, batch)

    assert statuses(response) == ["applied"] * 4
    results = response.json["results"]
    assert [r["mutation_id"] for r in results] == [m["mutation_id"] for m in batch]
    arrived, shown, concern, report = results
    assert (arrived["record"]["status"], arrived["version"]) == ("in_progress", 2)
    assert shown["record"]["id_shown_at"] is not None and shown["version"] == 3
    assert concern["record"]["id"] == batch[2]["id"] and concern["record"]["category"] == "damp_mould"
    assert report["record"]["visit_id"] == str(world.a.visit.id) and report["record"]["answers"]["cleaned_up"]
    assert all(r["error"] is None for r in results)
    visit = db.session.get(Visit, world.a.visit.id)
    assert (visit.status, visit.version) == (VisitStatus.COMPLETED, 4)


def test_the_device_time_is_kept_beside_the_servers(client, world, op):
    arrive = visit_op(world, "arrive")

    record = push(client, op, [arrive]).json["results"][0]["record"]

    assert record["device_arrived_at"] is not None
    assert record["device_arrived_at"] != record["arrived_at"]
    assert db.session.get(SyncMutation, uuid.UUID(arrive["mutation_id"])).device_time is not None


def test_no_access_is_applied_with_its_calling_card(client, world, op):
    response = push(client, op, [visit_op(world, "no_access", {"waited_minutes": 10, "card_left": True})])

    result = response.json["results"][0]
    assert statuses(response) == ["applied"]
    assert result["record"]["serial"] and result["record"]["waited_long_enough"] is True
    assert db.session.get(Visit, world.a.visit.id).status == VisitStatus.NO_ACCESS


def test_a_concern_keeps_the_id_the_tablet_gave_it(client, world, op):
    concern_id = uuid.uuid4()

    push(client, op, [raise_op(world, concern_id)])

    assert db.session.get(Concern, concern_id).raised_by == world.a.operative.id


# Retries: nothing twice


def test_a_retried_batch_answers_duplicate_with_the_same_results_and_changes_nothing(client, world, op):
    batch = a_day_at_the_door(world)
    first = push(client, op, batch).json["results"]
    before = counts()

    again = push(client, op, batch)

    assert statuses(again) == ["duplicate"] * 4
    for was, now in zip(first, again.json["results"], strict=True):
        assert {**was, "status": "duplicate"} == now
    assert counts() == before


def test_a_lost_answer_then_the_same_batch_applies_nothing_twice(client, world, op):
    batch = a_day_at_the_door(world)
    push(client, op, batch[:2])  # the server applied these; the tablet never heard back

    response = push(client, op, batch)

    assert statuses(response) == ["duplicate", "duplicate", "applied", "applied"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Concern)) == 1
    assert db.session.get(Visit, world.a.visit.id).version == 4  # arrive, id shown, report: once each


def test_a_mutation_twice_in_one_batch_is_applied_once(client, world, op):
    arrive = visit_op(world, "arrive")

    response = push(client, op, [arrive, arrive])

    assert statuses(response) == ["applied", "duplicate"]
    assert db.session.get(Visit, world.a.visit.id).version == 2


def test_a_reordered_retry_answers_each_mutation_with_its_first_result(client, world, op):
    batch = a_day_at_the_door(world)
    first = {r["mutation_id"]: r for r in push(client, op, batch).json["results"]}

    again = push(client, op, list(reversed(batch))).json["results"]

    assert [r["mutation_id"] for r in again] == [m["mutation_id"] for m in reversed(batch)]
    assert all(r == {**first[r["mutation_id"]], "status": "duplicate"} for r in again)


def test_out_of_order_field_steps_are_refused_without_blocking_the_queue(client, world, op):
    report = visit_op(world, "report", {"answers": factories.answers_for()})
    arrive = visit_op(world, "arrive")

    response = push(client, op, [report, arrive])

    assert statuses(response) == ["rejected", "applied"]
    assert response.json["results"][0]["error"]["code"] == "invalid_transition"


def test_another_users_mutation_id_is_refused_and_tells_nothing(client, world, op, auth_headers):
    arrive = visit_op(world, "arrive")
    push(client, op, [arrive])
    someone_else = auth_headers(world.a.other_operative)

    result = push(client, someone_else, [arrive]).json["results"][0]

    assert result["status"] == "rejected"
    assert result["record"] is None and result["version"] is None
    assert result["error"]["code"] == "already_exists"


# Conflicts


def test_a_stale_base_version_is_a_conflict_with_the_servers_copy(client, world, op):
    visits.reschedule_visit(
        world.a.visit.id,
        world.a.visit.window_start + timedelta(days=1),
        world.a.visit.window_end + timedelta(days=1),
        actor=world.a.contractor_manager,
        now=utcnow(),
    )
    db.session.flush()

    response = push(client, op, [visit_op(world, "arrive", base_version=1)])

    result = response.json["results"][0]
    assert statuses(response) == ["conflict"]
    assert result["error"]["code"] == "conflict"
    assert (result["version"], result["record"]["version"], result["record"]["status"]) == (2, 2, "scheduled")
    assert db.session.get(Visit, world.a.visit.id).status == VisitStatus.SCHEDULED


def test_a_conflict_is_stored_and_a_retry_answers_it_again(client, world, op):
    visits.cancel_visit(world.a.visit.id, "Tenant rang", actor=world.a.contractor_manager, now=utcnow())
    db.session.flush()
    arrive = visit_op(world, "arrive", base_version=1)
    first = push(client, op, [arrive]).json["results"][0]

    again = push(client, op, [arrive]).json["results"][0]

    assert first["status"] == "conflict"
    assert again == {**first, "status": "duplicate"}


def test_a_completion_in_the_field_wins_over_an_office_cancellation_and_is_flagged(client, world, op, auth_headers):
    visits.arrive(world.a.visit.id, world.a.operative, now=utcnow())  # online at the door, then no signal
    visits.cancel_visit(world.a.visit.id, "Tenant rang to cancel", actor=world.a.contractor_manager, now=utcnow())
    db.session.flush()

    response = push(client, op, [visit_op(world, "report", {"answers": factories.answers_for()}, base_version=2)])

    assert statuses(response) == ["applied"]
    assert db.session.get(Visit, world.a.visit.id).status == VisitStatus.COMPLETED
    flagged = client.get("/api/v1/concerns", headers=auth_headers(world.a.contractor_manager)).json["items"]
    assert [c["category"] for c in flagged] == ["other"]
    assert "cancelled" in flagged[0]["description"] and "Tenant rang to cancel" in flagged[0]["description"]


def test_a_day_on_a_visit_cancelled_while_offline_keeps_the_concern_and_the_report(client, world, op):
    visits.cancel_visit(world.a.visit.id, "Tenant rang to cancel", actor=world.a.contractor_manager, now=utcnow())
    db.session.flush()
    batch = a_day_at_the_door(world)
    batch[2]["data"]["category"] = "safeguarding"

    response = push(client, op, batch)

    assert statuses(response) == ["conflict", "conflict", "applied", "applied"]
    assert response.json["results"][0]["record"]["status"] == "cancelled"
    raised = db.session.scalars(sa.select(Concern).where(Concern.visit_id == world.a.visit.id)).all()
    assert sorted(c.category for c in raised) == ["other", "safeguarding"]
    assert db.session.get(Visit, world.a.visit.id).status == VisitStatus.COMPLETED


def test_arriving_again_on_a_visit_already_started_is_harmless(client, world, op):
    first = push(client, op, [visit_op(world, "arrive", base_version=1)]).json["results"][0]

    again = push(client, op, [visit_op(world, "arrive", base_version=2)]).json["results"][0]

    assert again["status"] == "applied"
    assert (again["version"], again["record"]["arrived_at"]) == (first["version"], first["record"]["arrived_at"])


def test_arriving_again_after_the_report_is_harmless(client, world, op):
    reported = push(client, op, a_day_at_the_door(world)).json["results"][-1]

    again = push(client, op, [visit_op(world, "arrive", base_version=1)]).json["results"][0]

    assert (again["status"], again["record"]["status"], again["version"]) == ("applied", "completed", 4)
    assert reported["status"] == "applied"


def test_arriving_after_no_access_is_refused(client, world, op):
    push(client, op, [visit_op(world, "no_access", {"waited_minutes": 10, "card_left": True})])

    result = push(client, op, [visit_op(world, "arrive")]).json["results"][0]

    assert (result["status"], result["error"]["code"]) == ("rejected", "invalid_transition")


def test_a_visit_reassigned_away_while_offline_is_not_found(client, world, op):
    visits.reassign_visit(world.a.visit.id, world.a.other_operative.id, actor=world.a.contractor_manager)
    db.session.flush()

    response = push(client, op, [visit_op(world, "report", {"answers": factories.answers_for()}, base_version=1)])

    result = response.json["results"][0]
    assert statuses(response) == ["rejected"]
    assert result["error"]["code"] == "not_found" and result["record"] is None


# Rejections: permanently invalid, reason given, the queue moves on


def test_an_invalid_mutation_is_rejected_with_the_reason_and_the_next_ones_apply(client, world, op):
    bad = visit_op(world, "no_access", {"waited_minutes": -5, "card_left": True})

    response = push(client, op, [bad, visit_op(world, "arrive")])

    rejected = response.json["results"][0]
    assert statuses(response) == ["rejected", "applied"]
    assert rejected["error"]["code"] == "validation_failed"
    assert "waited_minutes" in rejected["error"]["errors"]
    assert rejected["error"]["detail"]


@pytest.mark.parametrize(
    "broken",
    [
        {"entity": "visit", "op": "teleport"},
        {"entity": "spaceship", "op": "arrive"},
        {"id": "not-a-uuid"},
        {"device_time": "yesterday"},
        {"device_time": None},
        {"base_version": "two"},
        {"data": ["not", "an", "object"]},
        {"data": {"recorded_at": "2026-01-01T00:00:00Z"}},  # the device's time travels as device_time
        {"extra_field": 1},
    ],
)
def test_a_malformed_mutation_is_rejected_on_its_own(client, world, op, broken):
    response = push(client, op, [visit_op(world, "arrive") | broken, raise_op(world)])

    assert statuses(response) == ["rejected", "applied"]
    assert response.json["results"][0]["error"]["code"] == "validation_failed"


def test_a_device_clock_far_ahead_is_rejected(client, world, op):
    ahead = visit_op(world, "arrive", device_time=(utcnow() + timedelta(hours=2)).isoformat())

    result = push(client, op, [ahead]).json["results"][0]

    assert (result["status"], result["error"]["code"]) == ("rejected", "validation_failed")
    assert "recorded_at" in result["error"]["errors"]


def test_another_organisations_visit_is_rejected_as_not_found(client, world, op):
    foreign = mutation("visit", "arrive", world.b.visit.id)

    result = push(client, op, [foreign]).json["results"][0]

    assert (result["status"], result["error"]["code"], result["record"]) == ("rejected", "not_found", None)
    assert db.session.get(Visit, world.b.visit.id).status == VisitStatus.SCHEDULED


def test_a_concern_on_another_organisations_visit_is_rejected_as_not_found(client, world, op):
    stray = raise_op(world) | {"data": raise_op(world)["data"] | {"visit_id": str(world.b.visit.id)}}

    result = push(client, op, [stray]).json["results"][0]

    assert (result["status"], result["error"]["code"]) == ("rejected", "not_found")


def test_a_failing_mutation_leaves_no_writes_but_its_result_is_stored(client, world, op):
    push(client, op, [visit_op(world, "arrive"), visit_op(world, "id_shown")])
    before = counts()
    incomplete = factories.answers_for()
    del incomplete["cleaned_up"]
    report = visit_op(world, "report", {"answers": incomplete})

    result = push(client, op, [report]).json["results"][0]

    assert result["status"] == "rejected" and "cleaned_up" in result["error"]["errors"]
    assert counts() == before | {"sync_mutations": before["sync_mutations"] + 1}
    assert db.session.get(Visit, world.a.visit.id).status == VisitStatus.IN_PROGRESS
    stored = db.session.get(SyncMutation, uuid.UUID(report["mutation_id"]))
    assert (stored.status, stored.result["error"]["code"]) == ("rejected", "validation_failed")
    assert push(client, op, [report]).json["results"][0] == {**result, "status": "duplicate"}


def test_a_different_concern_with_a_used_id_is_rejected(client, world, op):
    concern_id = uuid.uuid4()
    push(client, op, [raise_op(world, concern_id)])

    result = push(client, op, [raise_op(world, concern_id, description="Something else")]).json["results"][0]

    assert (result["status"], result["error"]["code"]) == ("rejected", "already_exists")


def test_a_manager_cannot_record_arrival(client, world, auth_headers):
    result = push(client, auth_headers(world.a.contractor_manager), [visit_op(world, "arrive")]).json["results"][0]

    assert (result["status"], result["error"]["code"]) == ("rejected", "forbidden")


# Who may push what: each op as its HTTP route allows it (tests/api/test_access_matrix.py has the routes')

CALLERS = (
    "operative",
    "other_operative",
    "contractor_manager",
    "contractor_admin",
    "landlord_manager",
    "landlord_admin",
)
REFUSED_IN_THE_FIELD = ("applied", "not_found", "forbidden", "forbidden", "forbidden", "forbidden")
PERMISSIONS = {
    ("arrive", "own"): REFUSED_IN_THE_FIELD,
    ("no_access", "own"): REFUSED_IN_THE_FIELD,
    ("raise", "own"): ("applied", "not_found", "applied", "applied", "applied", "applied"),
    ("arrive", "foreign"): ("not_found",) * 6,
    ("raise", "foreign"): ("not_found",) * 6,
}


@pytest.mark.parametrize(
    ("op_name", "target", "caller", "expected"),
    [
        (op_name, target, caller, expected)
        for (op_name, target), row in PERMISSIONS.items()
        for caller, expected in zip(CALLERS, row, strict=True)
    ],
)
def test_each_mutation_has_its_routes_permissions(client, world, auth_headers, op_name, target, caller, expected):
    side = world.b if target == "foreign" else world.a
    if op_name == "raise":
        pushed = raise_op(world) | {"data": raise_op(world)["data"] | {"visit_id": str(side.visit.id)}}
    else:
        data = {"waited_minutes": 10, "card_left": True} if op_name == "no_access" else {}
        pushed = mutation("visit", op_name, side.visit.id, data)

    result = push(client, auth_headers(getattr(world.a, caller)), [pushed]).json["results"][0]

    assert (result["status"] if result["status"] == "applied" else result["error"]["code"]) == expected


# The batch itself


@pytest.mark.parametrize(
    "body",
    [
        {"mutations": []},
        {"device_id": "", "mutations": []},
        {"device_id": "t" * 101, "mutations": []},
        {"device_id": "tablet-7", "mutations": []},
        {"device_id": "tablet-7", "mutations": [{"mutation_id": "nope"}]},
        {"device_id": "tablet-7", "mutations": ["arrive"]},
        {"device_id": "tablet-7", "mutations": {}},
        {"device_id": "tablet-7", "mutations": [], "cursor": "x"},
    ],
)
def test_a_malformed_batch_is_422_and_changes_nothing(client, world, op, body):
    before = counts()

    response = client.post(PUSH, json=body, headers=op)

    assert response.status_code == 422
    assert response.json["code"] == "validation_failed"
    assert counts() == before


def test_a_batch_is_at_most_500_mutations(client, world, op):
    response = push(client, op, [visit_op(world, "arrive") for _ in range(501)])

    assert response.status_code == 422
    assert "mutations" in response.json["errors"]


# Housekeeping


def test_housekeeping_prunes_pushed_results_past_the_horizon(app, client, runner, world, op, now):
    old, recent = visit_op(world, "arrive"), visit_op(world, "id_shown")
    push(client, op, [old, recent])
    stored = db.session.get(SyncMutation, uuid.UUID(old["mutation_id"]))
    stored.created_at = now - timedelta(days=app.config["SYNC_TOMBSTONE_DAYS"] + 1)
    db.session.flush()

    result = runner.invoke(args=["housekeeping"])

    assert result.exit_code == 0, result.output
    assert "1 pushed results" in result.output
    assert db.session.get(SyncMutation, uuid.UUID(old["mutation_id"])) is None
    assert db.session.get(SyncMutation, uuid.UUID(recent["mutation_id"])) is not None


def test_running_late_is_applied_with_the_device_time_kept_beside_it(client, world, op):
    expected = world.a.visit.window_start + timedelta(minutes=30)
    pushed = visit_op(world, "running_late", {"expected_at": expected.isoformat()}, base_version=1)

    result = push(client, op, [pushed]).json["results"][0]

    assert (result["status"], result["version"]) == ("applied", 2)
    assert result["record"]["expected_arrival_at"] is not None
    assert db.session.get(SyncMutation, uuid.UUID(pushed["mutation_id"])).device_time is not None


def test_running_late_pushed_after_the_time_it_gave_is_rejected(client, world, op):
    expected = utcnow() - timedelta(minutes=20)

    result = push(client, op, [visit_op(world, "running_late", {"expected_at": expected.isoformat()})]).json

    assert result["results"][0]["status"] == "rejected"
    assert result["results"][0]["error"]["errors"] == {"expected_at": ["This time has passed."]}
