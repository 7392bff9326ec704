"""CSV exports of visits and concerns: what a manager's spreadsheet gets, safely, on their own contracts only."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from server.extensions import db
from server.models import ConcernCategory, SensitiveRead
from server.services import exports
from tests import factories
from tests.api.test_reports import _days_ago, done, missed, no_access

VISITS = "/api/v1/exports/visits.csv"
CONCERNS = "/api/v1/exports/concerns.csv"


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")  # so Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_visits_export_is_a_spreadsheet_attachment(client, world, auth_headers, now):
    response = client.get(VISITS, headers=auth_headers(world.a.landlord_manager))

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="visits-{_days_ago(now, 28):%Y-%m-%d}-to-{now:%Y-%m-%d}.csv"'
    )
    header = next(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))
    assert header == exports.VISIT_COLUMNS
    assert header[:4] == ["Job reference", "Contract", "Landlord", "Contractor"]


def test_each_visit_is_a_row_with_its_standards_met_yes_or_no(client, world, auth_headers, now):
    side = world.a
    on_time = done(side, _days_ago(now, 3))
    late = done(side, _days_ago(now, 2), late=timedelta(hours=3), id_shown=False)
    no_access(side, _days_ago(now, 1), card_left=False)

    found = rows(client.get(VISITS, headers=auth_headers(side.contractor_manager)))

    assert [row["Job reference"] for row in found][:2] == [on_time.repair_reference, late.repair_reference]
    first, second, third = found
    assert first["Contract"] == side.contract.reference
    assert first["Landlord"] == side.landlord.name and first["Contractor"] == side.contractor.name
    assert first["Operative"] == side.operative.name
    assert first["Status"] == "completed" and third["Status"] == "no_access"
    assert first["Arrived within the booked window"] == "yes"
    assert second["Arrived within the booked window"] == "no"
    assert second["ID shown before entry"] == "no"
    assert third["Calling card left on no access"] == "no"
    assert first["Calling card left on no access"] == ""  # does not apply
    assert first["Visit id"] == str(on_time.id)


def test_times_are_in_london(client, world, auth_headers):
    start = datetime(2026, 7, 1, 8, tzinfo=UTC)  # 09:00 British Summer Time
    done(world.a, start)

    (row,) = rows(
        client.get(
            VISITS,
            query_string={"from": "2026-07-01", "to": "2026-07-01"},
            headers=auth_headers(world.a.landlord_admin),
        )
    )

    assert (row["Booked from"], row["Booked to"], row["Arrived"]) == (
        "2026-07-01 09:00",
        "2026-07-01 11:00",
        "2026-07-01 09:05",
    )


def test_the_range_and_filters_are_the_reports(client, world, auth_headers, now):
    side = world.a
    inside = done(side, _days_ago(now, 5))
    done(side, _days_ago(now, 40))
    other_operative = factories.Side(**{**side.__dict__, "operative": side.other_operative})
    done(other_operative, _days_ago(now, 4))
    headers = auth_headers(side.landlord_manager)

    by_operative = rows(client.get(VISITS, query_string={"operative": side.operative.id}, headers=headers))
    everything = rows(client.get(VISITS, headers=headers))

    assert [row["Visit id"] for row in by_operative] == [str(inside.id)]
    assert len(everything) == 2


def test_another_organisations_visits_are_never_exported(client, world, auth_headers, now):
    done(world.a, _days_ago(now, 2))
    theirs = done(world.b, _days_ago(now, 2))

    found = rows(client.get(VISITS, headers=auth_headers(world.a.contractor_admin)))

    assert str(theirs.id) not in {row["Visit id"] for row in found}
    assert len(found) == 1


@pytest.mark.parametrize("formula", ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)"])
def test_a_formula_in_a_cell_is_made_text(client, world, auth_headers, now, formula):
    done(world.a, _days_ago(now, 2), repair_reference=formula)

    (row,) = rows(client.get(VISITS, headers=auth_headers(world.a.landlord_manager)))

    assert row["Job reference"] == "'" + formula


def test_welsh_polish_and_urdu_names_survive(client, world, auth_headers, now):
    world.a.operative.name = "Siân Wójcik عائشہ"
    done(world.a, _days_ago(now, 2))

    (row,) = rows(client.get(VISITS, headers=auth_headers(world.a.landlord_manager)))

    assert row["Operative"] == "Siân Wójcik عائشہ"


def test_a_large_range_streams_in_chunks(client, world, auth_headers, now):
    side = world.a
    for days in range(1, 4):
        missed(side, _days_ago(now, days))

    response = client.get(VISITS, headers=auth_headers(side.landlord_manager), buffered=False)

    assert response.is_streamed
    assert len(rows(response)) == 3


def test_a_bad_range_is_refused_before_anything_is_sent(client, world, auth_headers):
    response = client.get(
        VISITS, query_string={"from": "2026-07-02", "to": "2026-07-01"}, headers=auth_headers(world.a.landlord_manager)
    )

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"


def test_an_operative_may_not_export(client, world, auth_headers):
    response = client.get(VISITS, headers=auth_headers(world.a.operative))

    assert response.status_code == 403


def _concern_visit(side, now):
    return done(side, _days_ago(now, 3))


def test_the_concerns_export_says_when_each_was_due_and_acted_on(client, world, auth_headers, now):
    side = world.a
    visit = _concern_visit(side, now)
    raised = _days_ago(now, 3)
    late = factories.concern(
        visit,
        side.operative,
        category=ConcernCategory.DAMP_MOULD,
        raised_at=raised,
        due_at=raised + timedelta(days=1),
        description="Black mould behind the wardrobe",
    )
    late.acknowledged_at = raised + timedelta(days=2)

    response = client.get(CONCERNS, headers=auth_headers(side.landlord_manager))

    assert response.headers["Content-Disposition"].startswith('attachment; filename="concerns-')
    (row,) = rows(response)
    assert list(row) == exports.CONCERN_COLUMNS
    assert row["Job reference"] == visit.repair_reference
    assert (row["Category"], row["Severity"], row["Status"]) == ("damp_mould", "routine", "acknowledged")
    assert (row["Acknowledged on time"], row["Resolved on time"]) == ("no", "no")
    assert row["Description"] == "Black mould behind the wardrobe"
    assert row["Concern id"] == str(late.id)


def test_a_formula_in_a_concern_is_made_text(client, world, auth_headers, now):
    visit = _concern_visit(world.a, now)
    factories.concern(visit, world.a.operative, raised_at=_days_ago(now, 3), description="=cmd|' /C calc'!A0")

    (row,) = rows(client.get(CONCERNS, headers=auth_headers(world.a.contractor_manager)))

    assert row["Description"] == "'=cmd|' /C calc'!A0"


def test_safeguarding_text_is_exported_to_the_contracts_managers_and_each_read_is_logged(
    client, world, auth_headers, now
):
    side = world.a
    visit = _concern_visit(side, now)
    concern = factories.concern(
        visit,
        side.operative,
        category=ConcernCategory.SAFEGUARDING,
        raised_at=_days_ago(now, 3),
        description="Child left alone overnight",
    )
    manager = side.contractor_manager

    (row,) = rows(client.get(CONCERNS, headers=auth_headers(manager)))

    assert row["Description"] == "Child left alone overnight"
    logged = db.session.scalars(db.select(SensitiveRead).where(SensitiveRead.entity_id == concern.id)).all()
    assert [(read.user_id, read.field, read.purpose) for read in logged] == [
        (manager.id, "description", "concerns export")
    ]


def test_safeguarding_text_the_reader_may_not_read_stays_out(app, world, now):
    # A reader outside the contract's two organisations: the restricted-text rule of concerns.py.
    side = world.a
    visit = _concern_visit(side, now)
    factories.concern(
        visit, side.operative, category=ConcernCategory.SAFEGUARDING, raised_at=_days_ago(now, 3), description="Secret"
    )
    outsider = factories.user(world.b.contractor, side.contractor_manager.role)
    filters = {"from_": _days_ago(now, 28), "to": now}
    found = exports.reports.scope(side.contractor_manager, filters)
    logged = exports._log_sensitive_reads(outsider, found, now)

    assert logged == set()
    assert db.session.scalars(db.select(SensitiveRead).where(SensitiveRead.user_id == outsider.id)).all() == []


def test_another_organisations_concerns_are_never_exported(client, world, auth_headers, now):
    theirs = factories.concern(_concern_visit(world.b, now), world.b.operative, raised_at=_days_ago(now, 3))

    found = rows(client.get(CONCERNS, headers=auth_headers(world.a.landlord_manager)))

    assert str(theirs.id) not in {row["Concern id"] for row in found}
