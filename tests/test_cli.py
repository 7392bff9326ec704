"""Operator commands: create the first platform admin, and seed the demo world."""

import json
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import Change, Organisation, Property, User, Visit
from server.models.base import utcnow

LONDON = ZoneInfo("Europe/London")


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _accounts(email: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.email == email))


def _committed_users(database_url: str, email: str) -> int:
    """How many accounts with this email another connection sees: only what was committed for real."""
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as other:
            return other.scalar(sa.select(sa.func.count()).select_from(User).where(User.email == email))
    finally:
        engine.dispose()


def _sign_in(client, email: str, password: str) -> dict:
    tokens = client.post("/api/v1/auth/login", json={"email": email, "password": password}).json
    return {"Authorization": f"Bearer {tokens['access_token']}"}


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["seed-demo", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _person(demo: dict, organisation: str, role: str) -> dict:
    return next(u for u in demo["users"] if u["organisation"].startswith(organisation) and u["role"] == role)


# create-admin


def test_create_admin_makes_a_platform_admin_who_can_sign_in(runner, client):
    result = runner.invoke(args=["create-admin", "Ops@Example.org", "--password", "a long passphrase"])

    me = client.get("/api/v1/me", headers=_sign_in(client, "ops@example.org", "a long passphrase")).json
    assert result.exit_code == 0, result.output
    assert "ops@example.org" in result.stdout
    assert me["role"] == "platform_admin"
    assert me["organisation"] is None


def test_create_admin_refuses_a_short_password(runner):
    result = runner.invoke(args=["create-admin", "ops@example.org", "--password", "short"])

    assert result.exit_code != 0
    assert "use at least 10 characters" in result.stderr
    assert _accounts("ops@example.org") == 0


def test_create_admin_refuses_a_taken_email(runner):
    runner.invoke(args=["create-admin", "ops@example.org", "--password", "a long passphrase"])

    result = runner.invoke(args=["create-admin", "OPS@example.org", "--password", "another passphrase"])

    assert result.exit_code != 0
    assert "there is already an account for OPS@example.org" in result.stderr
    assert _accounts("ops@example.org") == 1


def test_a_commands_commit_stays_inside_the_tests_transaction(runner, database_url):
    result = runner.invoke(args=["create-admin", "ops@example.org", "--password", "a long passphrase"])

    assert result.exit_code == 0, result.output
    assert _accounts("ops@example.org") == 1  # the command committed, as far as the test can tell
    assert _committed_users(database_url, "ops@example.org") == 0  # but only to a savepoint, rolled back afterwards


# seed-demo


def test_seed_demo_json_is_one_object_on_stdout_with_the_documented_keys(runner):
    result = runner.invoke(args=["seed-demo", "--json"])

    demo = json.loads(result.stdout)  # the whole of stdout, nothing before or after
    assert result.exit_code == 0
    assert result.stderr == ""
    assert isinstance(demo, dict)
    assert {"password", "users", "organisations", "visits"} <= set(demo)
    assert all({"id", "email", "role", "organisation", "organisation_kind"} <= set(u) for u in demo["users"])
    assert all({"id", "name", "kind"} <= set(o) for o in demo["organisations"])
    visit_keys = {"id", "operative_email", "status", "window_start", "window_end", "postcode", "house", "language"}
    assert all(visit_keys <= set(v) for v in demo["visits"])


def test_the_demo_people_sign_in_with_the_printed_password(client, demo):
    for user in demo["users"]:
        response = client.post("/api/v1/auth/login", json={"email": user["email"], "password": demo["password"]})
        assert response.status_code == 200, user["email"]


def test_the_demo_world_has_two_landlords_and_two_contractors_and_their_people(demo):
    kinds = Counter(o["kind"] for o in demo["organisations"])
    roles = Counter((u["organisation"], u["role"]) for u in demo["users"])
    contractors = [o["name"] for o in demo["organisations"] if o["kind"] == "contractor"]
    landlords = [o["name"] for o in demo["organisations"] if o["kind"] == "landlord"]

    assert kinds == {"landlord": 2, "contractor": 2}
    for name in contractors:
        assert roles[(name, "admin")] >= 1
        assert roles[(name, "manager")] >= 1
        assert roles[(name, "operative")] == 2
    for name in landlords:
        assert roles[(name, "manager")] >= 1


def test_one_demo_contractor_works_for_both_landlords_in_england_and_scotland(client, demo):
    headers = _sign_in(client, _person(demo, "Borders", "manager")["email"], demo["password"])

    contracts = client.get("/api/v1/contracts", headers=headers).json["items"]

    landlords = {c["landlord"]["name"]: c["landlord"]["region"] for c in contracts}
    assert sorted(landlords.values()) == ["england-wales", "scotland"]
    assert set(landlords) == {o["name"] for o in demo["organisations"] if o["kind"] == "landlord"}


def _day(visit: dict):
    return datetime.fromisoformat(visit["window_start"]).astimezone(LONDON).date()


def test_the_demo_has_visits_today_for_the_languages_tools_need(demo):
    today = utcnow().astimezone(LONDON).date()
    scheduled_today = [v for v in demo["visits"] if v["status"] == "scheduled" and _day(v) == today]
    per_operative = Counter(v["operative_email"] for v in scheduled_today)

    assert {"en", "ur", "bn", "pl"} <= {v["language"] for v in scheduled_today}
    assert max(per_operative.values()) >= 2


def test_the_demo_has_a_past_week_of_visits_in_varied_states(demo):
    today = utcnow().astimezone(LONDON).date()
    past_week = [v for v in demo["visits"] if today - timedelta(days=7) <= _day(v) < today]

    assert {"completed", "no_access", "cancelled", "missed"} <= {v["status"] for v in past_week}
    assert "in_progress" in {v["status"] for v in demo["visits"] if _day(v) == today}


def test_the_demo_households_speak_the_languages_and_have_the_needs(client, demo):
    households = []
    for landlord in ("Havebury", "Berwickshire"):
        headers = _sign_in(client, _person(demo, landlord, "admin")["email"], demo["password"])
        for prop in client.get("/api/v1/properties?per_page=100", headers=headers).json["items"]:
            households.append(client.get(f"/api/v1/households/{prop['household_id']}", headers=headers).json)

    assert len(households) >= 8
    assert {"en", "ur", "pl", "bn", "zh-Hant", "cy"} <= {h["preferred_language"] for h in households}
    assert any(h["lone_worker"] for h in households)
    assert any(h["has_doorstep_password"] for h in households)
    assert any("large_print" in h["needs"] for h in households)


def test_seeding_twice_changes_nothing_and_prints_the_same_world(runner, demo):
    before = [_count(model) for model in (Organisation, User, Property, Visit, Change)]

    again = runner.invoke(args=["seed-demo", "--json"])

    assert again.exit_code == 0
    assert json.loads(again.stdout) == demo
    assert [_count(model) for model in (Organisation, User, Property, Visit, Change)] == before


def test_the_human_output_says_how_to_sign_in(runner):
    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0
    assert "doorstep-demo" in result.stdout
    assert "dan@anglia.example" in result.stdout
    assert "/api/v1/auth/login" in result.stdout


def test_seeding_again_says_nothing_changed(runner, demo):
    result = runner.invoke(args=["seed-demo"])

    assert "nothing changed" in result.stderr
    assert "doorstep-demo" in result.stdout


def test_the_demo_has_a_repair_due_compensation(client, demo):
    headers = _sign_in(client, "manager@anglia.example", demo["password"])

    due = client.get("/api/v1/compensation", headers=headers).json

    assert [(r["repair_reference"], r["missed"], r["due"]) for r in due["items"]] == [("HAV-40007", 3, True)]


def test_the_demo_queue_has_a_damp_and_mould_concern_not_yet_due(client, demo):
    headers = _sign_in(client, "manager@havebury.example", demo["password"])

    queue = client.get("/api/v1/concerns?queue=true", headers=headers).json["items"]

    damp = [c for c in queue if c["category"] == "damp_mould"]
    assert len(damp) == 1
    assert damp[0]["overdue"] is False and damp[0]["acknowledged_at"] is None


def test_every_demo_operative_carries_a_genuine_badge(client, demo, app):
    operatives = {u["email"] for u in demo["users"] if u["role"] == "operative"}

    checks = {
        b["operative_email"]: client.get(
            b["verify_url"].removeprefix(app.config["PUBLIC_BASE_URL"]), headers={"Accept": "application/json"}
        ).json
        for b in demo["badges"]
    }

    assert set(checks) == operatives
    assert {c["verdict"] for c in checks.values()} == {"genuine"}


def test_the_human_output_lists_each_badges_address_and_code(runner, demo):
    result = runner.invoke(args=["seed-demo"])

    for badge in demo["badges"]:
        assert f"{badge['short_code']}  {badge['verify_url']}" in result.stdout


def test_every_demo_calling_card_is_genuine_at_the_address_printed(client, demo, app, runner):
    printed = runner.invoke(args=["seed-demo"]).stdout

    assert demo["calling_cards"]
    for card in demo["calling_cards"]:
        assert card["check_url"] in printed
        check = client.get(
            card["check_url"].removeprefix(app.config["PUBLIC_BASE_URL"]), headers={"Accept": "application/json"}
        )
        assert check.json["verdict"] == "genuine"
