"""GET /api/v1/sync/changes: a tablet's first sync, then what changed since, within its scope (DESIGN §4)."""

import json
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from server import encryption
from server.extensions import db
from server.london_time import LONDON
from server.models import SensitiveRead, VisitStatus
from server.models.base import utcnow
from server.services import visits
from sync import cursor as cursors
from tests import factories
from tests.sync.pulling import Replica, pull, sync


def _london_noon(day_offset: int = 0) -> datetime:
    today = utcnow().astimezone(LONDON).date() + timedelta(days=day_offset)
    return datetime.combine(today, time(12), LONDON).astimezone(UTC)


# The first sync: a snapshot of the caller's scope


def test_a_first_sync_brings_the_operatives_visit_its_home_contract_checklist_and_badge(client, world, auth_headers):
    side = world.a
    badge = factories.badge(side.operative)

    replica = sync(client, auth_headers(side.operative))

    assert replica.ids("visit") == {str(side.visit.id)}
    assert replica.ids("property") == {str(side.home.id)}
    assert replica.ids("household") == {str(side.home.household.id)}
    assert replica.ids("contract") == {str(side.contract.id)}
    assert len(replica.ids("checklist_template")) == 1
    assert replica.ids("badge") == {str(badge.id)}
    assert replica.data("visit", side.visit.id)["property"]["postcode"] == side.home.postcode


def test_each_record_arrives_as_the_office_api_shows_it(client, world, auth_headers):
    side = world.a
    headers = auth_headers(side.operative)

    replica = sync(client, headers)

    office = client.get("/api/v1/visits?per_page=100", headers=headers).json["items"]
    assert replica.data("visit", side.visit.id) == next(v for v in office if v["id"] == str(side.visit.id))
    contract = client.get(f"/api/v1/contracts/{side.contract.id}", headers=headers).json
    assert replica.data("contract", side.contract.id) == contract


def test_the_badges_holder_gets_its_live_secret_and_nobody_else_does(client, world, auth_headers):
    side = world.a
    badge = factories.badge(side.operative)

    mine = sync(client, auth_headers(side.operative)).data("badge", badge.id)
    office = sync(client, auth_headers(side.contractor_admin)).data("badge", badge.id)

    assert mine["live_secret"]["secret"] == encryption.decrypt(badge.live_secret_encrypted)
    assert mine["live_secret"]["step_seconds"] == 30
    assert office["live_secret"] is None


def test_another_operatives_visit_never_arrives(client, world, auth_headers):
    replica = sync(client, auth_headers(world.a.other_operative))

    assert not replica.ids("visit") and not replica.ids("household")
    assert replica.ids("contract") == {str(world.a.contract.id)}  # their contractor's contract, as the office API


def test_another_organisations_records_never_arrive(client, world, auth_headers):
    for caller in (world.a.operative, world.a.contractor_manager, world.a.landlord_admin):
        replica = sync(client, auth_headers(caller))

        ids = {i for _, i in replica.records}
        assert not ids & {str(world.b.visit.id), str(world.b.home.id), str(world.b.contract.id)}


def test_staff_receive_their_organisations_visits_and_homes(client, world, auth_headers):
    side = world.a
    other = factories.visit(side.contract, factories.home(side.landlord), side.other_operative)

    for caller in (side.contractor_manager, side.landlord_manager):
        replica = sync(client, auth_headers(caller))

        assert replica.ids("visit") == {str(side.visit.id), str(other.id)}
        assert str(side.home.household.id) in replica.ids("household")


def test_the_platform_admin_receives_contracts_but_no_household_data(client, world, auth_headers):
    replica = sync(client, auth_headers(world.platform_admin))

    assert {str(world.a.contract.id), str(world.b.contract.id)} <= replica.ids("contract")
    assert not replica.ids("household") and not replica.ids("visit") and not replica.ids("property")


def test_an_old_visit_stays_off_the_tablet(client, world, auth_headers):
    side = world.a
    start = utcnow() - timedelta(days=20)
    old = factories.visit(
        side.contract,
        factories.home(side.landlord),
        side.operative,
        window_start=start,
        window_end=start + timedelta(hours=2),
        status=VisitStatus.COMPLETED,
    )

    replica = sync(client, auth_headers(side.operative))

    assert not replica.has("visit", old.id)


# The doorstep password: only for the assigned operative, only on the visit day, and logged


def _home_with_password(side, start: datetime):
    home = factories.home(side.landlord, household={"doorstep_password_encrypted": encryption.encrypt("bluebell")})
    return home, factories.visit(
        side.contract, home, side.operative, window_start=start, window_end=start + timedelta(hours=2)
    )


def test_the_doorstep_password_arrives_on_the_visit_day_and_the_read_is_logged(client, world, auth_headers):
    side = world.a
    home, _ = _home_with_password(side, _london_noon())

    replica = sync(client, auth_headers(side.operative))

    assert replica.data("household", home.household.id)["doorstep_password"] == "bluebell"
    reads = db.session.scalars(sa.select(SensitiveRead).where(SensitiveRead.field == "doorstep_password")).all()
    assert [(r.user_id, r.entity_id) for r in reads] == [(side.operative.id, home.household.id)]


def test_the_doorstep_password_stays_back_before_the_visit_day(client, world, auth_headers):
    side = world.a
    home, _ = _home_with_password(side, _london_noon(1))

    replica = sync(client, auth_headers(side.operative))

    assert replica.data("household", home.household.id)["doorstep_password"] is None
    assert replica.data("household", home.household.id)["has_doorstep_password"] is True


def test_office_staff_never_receive_the_doorstep_password(client, world, auth_headers):
    side = world.a
    home, _ = _home_with_password(side, _london_noon())

    replica = sync(client, auth_headers(side.landlord_admin))

    assert replica.data("household", home.household.id)["doorstep_password"] is None


# Then what changed since


def test_after_the_snapshot_nothing_is_repeated(client, world, auth_headers):
    headers = auth_headers(world.a.operative)
    replica = sync(client, headers)

    again = pull(client, headers, replica.cursor)

    assert again.status_code == 200
    assert again.body == {"changes": [], "cursor": again.body["cursor"], "has_more": False}


def test_a_rescheduled_visit_arrives_as_an_upsert_of_its_new_version(client, world, auth_headers):
    side = world.a
    headers = auth_headers(side.operative)
    replica = sync(client, headers)
    start = side.visit.window_start + timedelta(days=1)

    visits.reschedule_visit(
        side.visit.id, start, start + timedelta(hours=2), actor=side.contractor_manager, now=utcnow()
    )
    changes = pull(client, headers, replica.cursor).body["changes"]

    assert [(c["entity"], c["id"], c["op"], c["version"]) for c in changes] == [
        ("visit", str(side.visit.id), "upsert", 2)
    ]
    assert changes[0]["data"]["window_start"] == start.isoformat()


def test_a_reassigned_visit_leaves_the_first_tablet_with_its_household(client, world, auth_headers):
    side = world.a
    first, second = auth_headers(side.operative), auth_headers(side.other_operative)
    theirs, mine = sync(client, second), sync(client, first)

    response = client.post(
        f"/api/v1/visits/{side.visit.id}/reassign",
        json={"operative_id": str(side.other_operative.id)},
        headers=auth_headers(side.contractor_manager),
    )
    assert response.status_code == 200
    sync(client, first, mine)
    sync(client, second, theirs)

    assert not mine.ids("visit") and not mine.ids("household") and not mine.ids("property")
    assert theirs.ids("visit") == {str(side.visit.id)}
    assert theirs.ids("household") == {str(side.home.household.id)}


def test_a_cancelled_visit_stays_as_cancelled_and_its_household_goes(client, world, auth_headers):
    side = world.a
    headers = auth_headers(side.operative)
    replica = sync(client, headers)

    response = client.post(
        f"/api/v1/visits/{side.visit.id}/cancel",
        json={"reason": "Tenant rebooked"},
        headers=auth_headers(side.landlord_manager),
    )
    assert response.status_code == 200
    changes = pull(client, headers, replica.cursor).body["changes"]

    visit = next(c for c in changes if c["entity"] == "visit")
    assert (visit["op"], visit["data"]["status"]) == ("upsert", "cancelled")
    assert {(c["entity"], c["op"]) for c in changes if c["entity"] != "visit"} == {
        ("property", "delete"),
        ("household", "delete"),
    }


def test_what_commits_while_the_snapshot_is_paged_still_arrives(client, world, auth_headers):
    side = world.a
    headers = auth_headers(side.operative)
    replica = Replica()
    replica.apply(pull(client, headers, limit=1).body)  # the contract: the visit is not paged yet
    start = side.visit.window_start + timedelta(days=2)

    visits.reschedule_visit(
        side.visit.id, start, start + timedelta(hours=2), actor=side.contractor_manager, now=utcnow()
    )
    sync(client, headers, replica, limit=1)

    assert replica.records["visit", str(side.visit.id)]["version"] == 2


# Pages


def test_pages_are_bounded_by_rows_and_say_when_more_is_waiting(client, world, auth_headers):
    side = world.a
    for _ in range(4):
        factories.visit(side.contract, factories.home(side.landlord), side.operative)
    headers = auth_headers(side.operative)

    paged = sync(client, headers, limit=3)
    whole = sync(client, headers)

    assert paged.records.keys() == whole.records.keys()
    assert len(whole.pages) == 1 and len(paged.pages) > 3
    assert all(len(p["changes"]) <= 3 for p in paged.pages)
    assert [p["has_more"] for p in paged.pages] == [True] * (len(paged.pages) - 1) + [False]


def test_pages_are_bounded_by_bytes_with_at_least_one_change_each(app, client, world, auth_headers, monkeypatch):
    monkeypatch.setitem(app.config, "SYNC_PAGE_BYTES", 1)
    headers = auth_headers(world.a.operative)

    replica = sync(client, headers)

    assert len(replica.pages) >= len(replica.records)
    assert all(len(p["changes"]) == 1 for p in replica.pages[:-1])


def test_a_page_is_gzipped_for_a_client_that_accepts_it(client, world, auth_headers):
    response = pull(client, auth_headers(world.a.operative), gzip_ok=True)

    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.body["changes"]


def test_a_page_is_plain_for_a_client_that_does_not(client, world, auth_headers):
    response = client.get("/api/v1/sync/changes", headers=auth_headers(world.a.operative))

    assert "Content-Encoding" not in response.headers
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.json["changes"]


@pytest.mark.parametrize("limit", ["0", "5001", "many", "-1"])
def test_a_limit_out_of_range_is_refused(client, world, auth_headers, limit):
    response = client.get(f"/api/v1/sync/changes?limit={limit}", headers=auth_headers(world.a.operative))

    assert response.status_code == 422
    assert response.json["code"] == "validation_failed"


# Cursors


def _tampered(cursor: str) -> str:
    version, body, mac = cursor.split(".")
    fields = json.loads(cursors._unb64(body))
    fields["id"] = 0
    return ".".join([version, cursors._b64(json.dumps(fields).encode()), mac])


BROKEN = {
    "garbage": lambda c: "garbage",
    "cut short": lambda c: c[:-3],
    "unknown version": lambda c: "2" + c[1:],
    "tampered": _tampered,
    "empty parts": lambda c: "1..",
    "not base64": lambda c: "1.!!!.???",
}


@pytest.mark.parametrize("make", list(BROKEN.values()), ids=list(BROKEN))
def test_a_malformed_or_tampered_cursor_is_refused(client, world, auth_headers, make):
    headers = auth_headers(world.a.operative)
    cursor = sync(client, headers).cursor

    response = client.get("/api/v1/sync/changes", query_string={"cursor": make(cursor)}, headers=headers)

    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "invalid_cursor"


def test_another_accounts_cursor_is_refused(client, world, auth_headers):
    cursor = sync(client, auth_headers(world.a.operative)).cursor

    response = pull(client, auth_headers(world.a.other_operative), cursor)

    assert (response.status_code, response.body["code"]) == (400, "invalid_cursor")


def test_a_cursor_older_than_the_tombstone_horizon_must_sync_again(app, client, world, auth_headers):
    headers = auth_headers(world.a.operative)
    position = cursors.decode(sync(client, headers).cursor)
    old = utcnow() - timedelta(days=app.config["SYNC_TOMBSTONE_DAYS"] + 1)
    stale = cursors.encode(position.moved(issued=int(old.timestamp())))

    response = pull(client, headers, stale)

    assert (response.status_code, response.body["code"]) == (410, "resync_required")
    assert response.mimetype == "application/problem+json"
