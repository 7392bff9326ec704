"""Operator commands: create the first platform admin, and seed the demo world."""

import json
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from server.models.base import utcnow

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["seed-demo", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_create_admin_makes_a_platform_admin_who_can_sign_in(runner, client):
    result = runner.invoke(args=["create-admin", "Ops@Example.org", "--password", "a long passphrase"])

    login = client.post("/api/v1/auth/login", json={"email": "ops@example.org", "password": "a long passphrase"})
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {login.json['access_token']}"}).json
    assert result.exit_code == 0
    assert me["role"] == "platform_admin"
    assert me["organisation"] is None


def test_create_admin_refuses_a_short_password(runner):
    result = runner.invoke(args=["create-admin", "ops@example.org", "--password", "short"])

    assert result.exit_code != 0
    assert "10 characters" in result.output


def test_create_admin_refuses_a_taken_email(runner):
    runner.invoke(args=["create-admin", "ops@example.org", "--password", "a long passphrase"])

    result = runner.invoke(args=["create-admin", "ops@example.org", "--password", "a long passphrase"])

    assert result.exit_code != 0
    assert "already" in result.output


def test_seed_demo_json_is_one_object_with_the_documented_keys(demo):
    assert set(demo) >= {"password", "users", "organisations", "visits"}
    assert all({"id", "email", "role", "organisation", "organisation_kind"} <= set(u) for u in demo["users"])
    assert all({"id", "name", "kind"} <= set(o) for o in demo["organisations"])
    visit_keys = {"id", "operative_email", "status", "window_start", "window_end", "postcode", "house", "language"}
    assert all(visit_keys <= set(v) for v in demo["visits"])


def test_the_demo_world_has_two_landlords_and_two_contractors(demo):
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


def test_one_demo_contractor_works_for_both_landlords(client, demo):
    manager = next(u for u in demo["users"] if u["organisation"].startswith("Borders") and u["role"] == "manager")
    tokens = client.post("/api/v1/auth/login", json={"email": manager["email"], "password": demo["password"]}).json

    contracts = client.get("/api/v1/contracts", headers={"Authorization": f"Bearer {tokens['access_token']}"}).json

    assert {c["landlord"]["region"] for c in contracts["items"]} == {"england-wales", "scotland"}


def test_the_demo_has_visits_today_for_the_languages_tools_need(demo):
    today = utcnow().astimezone(LONDON).date()
    scheduled_today = [
        v
        for v in demo["visits"]
        if v["status"] == "scheduled" and datetime.fromisoformat(v["window_start"]).astimezone(LONDON).date() == today
    ]
    per_operative = Counter(v["operative_email"] for v in scheduled_today)

    assert {"en", "ur", "bn", "pl"} <= {v["language"] for v in scheduled_today}
    assert max(per_operative.values()) >= 2
    assert {"en", "ur", "pl", "bn", "zh-Hant", "cy"} <= {v["language"] for v in demo["visits"]}
    assert {"completed", "no_access", "cancelled", "missed", "in_progress"} <= {v["status"] for v in demo["visits"]}


def test_the_demo_households_cover_the_needs(client, demo):
    admin = next(u for u in demo["users"] if u["organisation"].startswith("Havebury") and u["role"] == "admin")
    other = next(u for u in demo["users"] if u["organisation"].startswith("Berwickshire") and u["role"] == "admin")
    households = []
    for user in (admin, other):
        token = client.post("/api/v1/auth/login", json={"email": user["email"], "password": demo["password"]}).json
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        for prop in client.get("/api/v1/properties?per_page=100", headers=headers).json["items"]:
            households.append(client.get(f"/api/v1/households/{prop['household_id']}", headers=headers).json)

    assert len(households) >= 8
    assert any(h["lone_worker"] for h in households)
    assert any(h["has_doorstep_password"] for h in households)
    assert any("large_print" in h["needs"] for h in households)


def test_seeding_twice_changes_nothing(runner, demo):
    again = runner.invoke(args=["seed-demo", "--json"])

    assert json.loads(again.stdout) == demo


def test_the_human_output_says_how_to_sign_in(runner):
    result = runner.invoke(args=["seed-demo"])

    assert "doorstep-demo" in result.stdout
    assert "dan@anglia.example" in result.stdout
    assert "/api/v1/auth/login" in result.stdout


def test_the_demo_has_a_repair_due_compensation(client, demo):
    manager = next(u for u in demo["users"] if u["email"] == "manager@anglia.example")
    tokens = client.post("/api/v1/auth/login", json={"email": manager["email"], "password": demo["password"]}).json

    due = client.get("/api/v1/compensation", headers={"Authorization": f"Bearer {tokens['access_token']}"}).json

    assert [(r["repair_reference"], r["missed"], r["due"]) for r in due["items"]] == [("HAV-40007", 3, True)]
