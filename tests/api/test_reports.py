"""The managers' standards report: figures added up from real visits, over a range, on their own contracts only."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from server.models import ConcernCategory, Role, Severity
from server.models.base import utcnow
from server.services import compensation, exports, visits
from tests import factories

URL = "/api/v1/reports/standards"


def _visit(side, start: datetime, **fields):
    """A visit booked two hours from `start`, at a new home of the side's landlord."""
    return factories.visit(
        side.contract,
        factories.home(side.landlord),
        side.operative,
        window_start=start,
        window_end=start + timedelta(hours=2),
        **fields,
    )


def done(side, start: datetime, late=timedelta(minutes=5), answers: dict | None = None, id_shown=True, **fields):
    """A visit the operative arrived at `late` after the window opened, and completed with the checklist."""
    visit = _visit(side, start, **fields)
    operative = side.operative
    visits.arrive(visit.id, operative, now=start + late)
    if id_shown:
        visits.show_id(visit.id, operative, now=start + late + timedelta(minutes=1))
    visits.complete(visit.id, answers or factories.answers_for(), operative, now=start + late + timedelta(hours=1))
    return visit


def no_access(side, start: datetime, **fields):
    visit = _visit(side, start)
    recorded = {"waited_minutes": 10, "card_left": True, **fields}
    visits.record_no_access(visit.id, recorded, side.operative, now=start + timedelta(minutes=30))
    return visit


def missed(side, start: datetime, **fields):
    visit = _visit(side, start, **fields)
    visits.mark_missed(visit.id, side.contractor_manager, now=start + timedelta(hours=3))
    return visit


def _days_ago(now: datetime, days: int) -> datetime:
    return (now - timedelta(days=days)).replace(microsecond=0)


def figure(response, key: str) -> dict:
    assert response.status_code == 200, response.json
    return next(item for item in response.json["items"] if item["key"] == key)


def test_punctuality_counts_the_visits_that_arrived_within_their_window(client, world, auth_headers, now):
    side = world.a
    for days in (2, 3, 4):
        done(side, _days_ago(now, days))
    late = done(side, _days_ago(now, 5), late=timedelta(hours=3))

    punctuality = figure(client.get(URL, headers=auth_headers(side.landlord_manager)), "punctuality")

    assert (punctuality["met"], punctuality["total"], punctuality["achieved"]) == (3, 4, 0.75)
    assert punctuality["missed_count"] == 1
    assert punctuality["missed"] == [{"id": str(late.id), "repair_reference": late.repair_reference}]
    assert punctuality["target"] == 1.0 and punctuality["on_target"] is False
    assert punctuality["label"]


def test_each_item_carries_what_the_console_draws(client, world, auth_headers, now):
    done(world.a, _days_ago(now, 2))

    response = client.get(URL, headers=auth_headers(world.a.contractor_manager))

    keys = [item["key"] for item in response.json["items"]]
    assert keys == [
        "punctuality",
        "id_before_entry",
        "overshoes_and_dust_sheets",
        "clean_up",
        "access_gained",
        "no_access_wait",
        "calling_card",
        "planned_works_notice",
        "concerns_acknowledged_on_time",
        "concerns_resolved_on_time",
        "appointments_kept",
        "tenant_satisfaction",
    ]
    assert response.json["contracts"] == [str(world.a.contract.id)]
    for item in response.json["items"]:
        assert {"key", "label", "target", "achieved", "met", "total", "missed", "missed_count"} <= item.keys()


def test_a_standard_nobody_was_judged_on_has_no_rate(client, world, auth_headers):
    notice = figure(client.get(URL, headers=auth_headers(world.a.landlord_manager)), "planned_works_notice")

    assert (notice["met"], notice["total"], notice["achieved"], notice["on_target"]) == (0, 0, None, None)


def test_the_doorstep_standards_come_from_the_id_record_and_the_checklist(client, world, auth_headers, now):
    side = world.a
    done(side, _days_ago(now, 2))
    no_id = done(side, _days_ago(now, 3), id_shown=False)
    messy = done(side, _days_ago(now, 4), answers={**factories.answers_for(), "cleaned_up": False})
    no_overshoes = done(
        side, _days_ago(now, 5), answers={**factories.answers_for(), "overshoes_and_dust_sheets": False}
    )

    response = client.get(URL, headers=auth_headers(side.contractor_admin))

    assert [v["id"] for v in figure(response, "id_before_entry")["missed"]] == [str(no_id.id)]
    assert [v["id"] for v in figure(response, "clean_up")["missed"]] == [str(messy.id)]
    assert [v["id"] for v in figure(response, "overshoes_and_dust_sheets")["missed"]] == [str(no_overshoes.id)]
    assert figure(response, "clean_up")["achieved"] == 0.75


def test_the_no_access_rate_and_the_calling_cards(client, world, auth_headers, now):
    side = world.a
    done(side, _days_ago(now, 2))
    done(side, _days_ago(now, 3))
    no_access(side, _days_ago(now, 4))
    no_card = no_access(side, _days_ago(now, 5), card_left=False, waited_minutes=3)

    response = client.get(URL, headers=auth_headers(side.landlord_admin))

    access = figure(response, "access_gained")
    assert (access["met"], access["total"], access["achieved"]) == (2, 4, 0.5)
    card = figure(response, "calling_card")
    assert (card["met"], card["total"]) == (1, 2)
    assert card["missed"][0]["id"] == str(no_card.id)
    wait = figure(response, "no_access_wait")
    assert (wait["met"], wait["total"]) == (1, 2)


def test_planned_works_notice_counts_working_days_with_bank_holidays(client, world, auth_headers):
    side = world.a
    # Works on Tuesday 29 December 2026: ten working days back, past Christmas and Boxing Day (observed on
    # Friday 25 and Monday 28), is Friday 11 December.
    start = datetime(2026, 12, 29, 10, tzinfo=UTC)
    given = _visit(side, start, kind="planned_works", planned_works_notice_on=datetime(2026, 12, 11).date())
    short = _visit(side, start, kind="planned_works", planned_works_notice_on=datetime(2026, 12, 14).date())
    for visit in (given, short):
        visits.arrive(visit.id, side.operative, now=start)
        visits.show_id(visit.id, side.operative, now=start)

    response = client.get(
        URL, query_string={"from": "2026-12-29", "to": "2026-12-29"}, headers=auth_headers(side.landlord_manager)
    )

    notice = figure(response, "planned_works_notice")
    assert (notice["met"], notice["total"]) == (1, 2)
    assert notice["missed"][0]["id"] == str(short.id)


def test_missed_appointments_and_the_compensation_due(client, world, auth_headers, now):
    side = world.a
    for days in (2, 3, 4):
        missed(side, _days_ago(now, days), repair_reference="HAV-1")
    done(side, _days_ago(now, 1), repair_reference="HAV-1")
    missed(side, _days_ago(now, 5), repair_reference="HAV-2")
    compensation.record_claim(
        {
            "contract_id": side.contract.id,
            "repair_reference": "HAV-1",
            "days_lost": 3,
            "earnings_lost_per_day_pence": 9000,
        },
        side.landlord_manager,
        now,
    )

    kept = figure(client.get(URL, headers=auth_headers(side.landlord_manager)), "appointments_kept")

    assert (kept["met"], kept["total"], kept["missed_count"]) == (1, 5, 4)
    # Three days at most £70 each: the contract's cap, not the £90 a day lost.
    assert kept["compensation"] == {"repairs_due": 1, "claims_recorded": 1, "amount_pence": 21000}


def test_concerns_on_time_by_category(client, world, auth_headers, now):
    side = world.a
    visit = done(side, _days_ago(now, 6))
    raised = _days_ago(now, 6)
    acted = factories.concern(
        visit, side.operative, category=ConcernCategory.DAMP_MOULD, raised_at=raised, due_at=raised + timedelta(days=2)
    )
    acted.acknowledged_at = raised + timedelta(days=1)
    late = factories.concern(visit, side.operative, raised_at=raised, due_at=raised + timedelta(days=1))
    factories.concern(visit, side.operative, raised_at=raised, due_at=now + timedelta(days=3))  # still in time

    response = client.get(URL, headers=auth_headers(side.landlord_manager))

    acknowledged = figure(response, "concerns_acknowledged_on_time")
    assert (acknowledged["met"], acknowledged["total"]) == (1, 2)
    assert acknowledged["missed"] == [
        {"id": str(visit.id), "repair_reference": visit.repair_reference, "concern_id": str(late.id)}
    ]
    by_category = {row["category"]: row for row in acknowledged["by_category"]}
    assert (by_category["damp_mould"]["met"], by_category["damp_mould"]["total"]) == (1, 1)
    assert (by_category["property_defect"]["met"], by_category["property_defect"]["total"]) == (0, 1)
    resolved = figure(response, "concerns_resolved_on_time")
    assert (resolved["met"], resolved["total"]) == (0, 2)  # neither resolved, both past due


def test_tenant_satisfaction_from_the_checklist_answer(client, world, auth_headers, now):
    side = world.a
    for days, answer in ((2, "very_satisfied"), (3, "satisfied"), (4, "dissatisfied")):
        done(side, _days_ago(now, days), answers={**factories.answers_for(), "satisfaction": answer})
    done(side, _days_ago(now, 5))  # not asked

    satisfaction = figure(client.get(URL, headers=auth_headers(side.landlord_manager)), "tenant_satisfaction")

    assert (satisfaction["met"], satisfaction["total"]) == (2, 3)


def test_the_default_range_is_the_last_28_days(client, world, auth_headers, now):
    side = world.a
    done(side, _days_ago(now, 27))
    done(side, _days_ago(now, 29))

    response = client.get(URL, headers=auth_headers(side.landlord_manager))

    assert figure(response, "punctuality")["total"] == 1
    span = datetime.fromisoformat(response.json["to"]) - datetime.fromisoformat(response.json["from"])
    assert span == timedelta(days=28)


def test_a_range_of_dates_includes_the_last_day(client, world, auth_headers, now):
    side = world.a
    start = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)  # 23:30 in London, on 30 June
    done(side, start)

    response = client.get(
        URL, query_string={"from": "2026-06-01", "to": "2026-06-30"}, headers=auth_headers(side.landlord_manager)
    )

    assert figure(response, "punctuality")["total"] == 1
    assert response.json["from"] == "2026-05-31T23:00:00+00:00"
    assert response.json["to"] == "2026-06-30T23:00:00+00:00"


def test_a_range_of_timestamps_is_taken_as_given(client, world, auth_headers):
    side = world.a
    done(side, datetime(2026, 6, 30, 9, tzinfo=UTC))

    response = client.get(
        URL,
        query_string={"from": "2026-06-30T09:00:00Z", "to": "2026-06-30T09:00:01Z"},
        headers=auth_headers(side.landlord_manager),
    )

    assert figure(response, "punctuality")["total"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-07-01", "to": "2026-06-01"}, "from"),
        ({"from": "2026-06-01T10:00:00Z", "to": "2026-06-01T11:00:00+01:00"}, "from"),  # the same moment
        ({"from": "2020-01-01", "to": "2026-01-01"}, "to"),
        ({"from": "yesterday"}, "from"),
        ({"from": "2026-02-30"}, "from"),
        ({"from": "2026-06-01T09:00:00"}, "from"),  # no offset: which 09:00?
        ({"to": "0001-01-01"}, "from"),
        ({"from": "9999-12-31", "to": "9999-12-31"}, "from"),
        ({"contract": "not-a-uuid"}, "contract"),
        ({"unknown": "1"}, "unknown"),
    ],
)
def test_a_bad_range_is_refused(client, world, auth_headers, query, field):
    response = client.get(URL, query_string=query, headers=auth_headers(world.a.landlord_manager))

    assert response.status_code == 422
    assert response.json["code"] == "validation_failed"
    assert field in response.json["errors"]


def test_filters_by_contract_and_by_operative(client, world, auth_headers, now):
    side = world.a
    other_contract = factories.contract(side.landlord, side.contractor)
    other = factories.Side(**{**side.__dict__, "contract": other_contract})
    done(side, _days_ago(now, 2))
    done(other, _days_ago(now, 3), late=timedelta(hours=4))
    second = factories.Side(**{**side.__dict__, "operative": factories.user(side.contractor, Role.OPERATIVE)})
    done(second, _days_ago(now, 4))
    headers = auth_headers(side.contractor_manager)

    everything = figure(client.get(URL, headers=headers), "punctuality")
    one_contract = figure(client.get(URL, query_string={"contract": other_contract.id}, headers=headers), "punctuality")
    one_operative = figure(
        client.get(URL, query_string={"operative": second.operative.id}, headers=headers), "punctuality"
    )

    assert (everything["met"], everything["total"]) == (2, 3)
    assert (one_contract["met"], one_contract["total"]) == (0, 1)
    assert (one_operative["met"], one_operative["total"]) == (1, 1)


def test_the_target_is_the_contracts_own(client, world, auth_headers, now):
    side = world.a
    side.contract.standards = {**side.contract.standards, "punctuality_target": 0.7}
    for days in (2, 3, 4):
        done(side, _days_ago(now, days))
    done(side, _days_ago(now, 5), late=timedelta(hours=3))

    punctuality = figure(client.get(URL, headers=auth_headers(side.landlord_manager)), "punctuality")

    assert punctuality["target"] == 0.7 and punctuality["on_target"] is True


def test_a_contract_stored_before_targets_existed_reads_the_policy_defaults(client, world, auth_headers):
    side = world.a
    side.contract.standards = {k: v for k, v in side.contract.standards.items() if not k.endswith("_target")}

    satisfaction = figure(client.get(URL, headers=auth_headers(side.landlord_manager)), "tenant_satisfaction")

    assert satisfaction["target"] == 0.9


def test_a_standard_the_contract_switched_off_is_not_listed(client, world, auth_headers):
    world.a.contract.standards = {**world.a.contract.standards, "clean_up": False}

    response = client.get(URL, headers=auth_headers(world.a.landlord_manager))

    assert "clean_up" not in [item["key"] for item in response.json["items"]]


def test_another_organisations_visits_are_never_counted(client, world, auth_headers, now):
    done(world.a, _days_ago(now, 2))
    done(world.b, _days_ago(now, 2), late=timedelta(hours=3))

    punctuality = figure(client.get(URL, headers=auth_headers(world.a.landlord_manager)), "punctuality")

    assert (punctuality["met"], punctuality["total"]) == (1, 1)


def test_another_organisations_contract_is_not_found(client, world, auth_headers):
    response = client.get(
        URL, query_string={"contract": world.b.contract.id}, headers=auth_headers(world.a.landlord_manager)
    )

    assert response.status_code == 404
    assert response.json["code"] == "not_found"


def test_a_landlord_sees_every_contractor_and_a_contractor_every_landlord(client, world, auth_headers, now):
    land, con = world.a.landlord, world.a.contractor
    second_contractor = factories.contractor()
    with_other_contractor = factories.Side(
        **{
            **world.a.__dict__,
            "contract": factories.contract(land, second_contractor),
            "operative": factories.user(second_contractor, Role.OPERATIVE),
        }
    )
    second_landlord = factories.landlord()
    with_other_landlord = factories.Side(
        **{**world.a.__dict__, "landlord": second_landlord, "contract": factories.contract(second_landlord, con)}
    )
    done(world.a, _days_ago(now, 2))
    done(with_other_contractor, _days_ago(now, 3))
    done(with_other_landlord, _days_ago(now, 4))

    as_landlord = figure(client.get(URL, headers=auth_headers(world.a.landlord_manager)), "punctuality")
    as_contractor = figure(client.get(URL, headers=auth_headers(world.a.contractor_manager)), "punctuality")

    assert as_landlord["total"] == 2  # its own contracts, with either contractor
    assert as_contractor["total"] == 2  # its own contracts, with either landlord


@pytest.mark.parametrize("role", ["operative", "platform_admin"])
def test_operatives_and_the_platform_get_no_report(client, world, auth_headers, role):
    user = world.platform_admin if role == "platform_admin" else world.a.operative

    response = client.get(URL, headers=auth_headers(user))

    assert response.status_code == 403
    assert response.json["code"] == "forbidden"


def test_the_report_needs_no_query_per_visit(app, client, world, auth_headers, now):
    import sqlalchemy as sa

    from server.extensions import db

    side = world.a
    for days in range(1, 6):
        done(side, _days_ago(now, days))
    headers = auth_headers(side.landlord_manager)
    statements = []

    def count(*_args):
        statements.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        client.get(URL, headers=headers)
        few = len(statements)
        for days in range(6, 16):
            done(side, _days_ago(now, days))
        statements.clear()
        client.get(URL, headers=headers)
        many = len(statements)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)

    assert many == few


def test_severity_does_not_hide_a_concern_from_the_figures(client, world, auth_headers, now):
    side = world.a
    visit = done(side, _days_ago(now, 3))
    raised = _days_ago(now, 3)
    factories.concern(
        visit, side.operative, severity=Severity.EMERGENCY, raised_at=raised, due_at=raised + timedelta(hours=24)
    )

    acknowledged = figure(client.get(URL, headers=auth_headers(side.landlord_manager)), "concerns_acknowledged_on_time")

    assert (acknowledged["met"], acknowledged["total"]) == (0, 1)
    assert utcnow() > raised


def test_a_visit_the_report_lists_as_missed_says_so_on_its_own_page(client, world, auth_headers, now):
    side = world.a
    done(side, _days_ago(now, 2))
    late = done(side, _days_ago(now, 3), late=timedelta(hours=3), id_shown=False)
    headers = auth_headers(side.landlord_manager)

    report = client.get(URL, headers=headers)
    page = client.get(f"/api/v1/visits/{late.id}", headers=headers).json

    on_its_page = {result["key"] for result in page["standards"] if result["met"] is False}
    in_the_report = {item["key"] for item in report.json["items"] if str(late.id) in {v["id"] for v in item["missed"]}}
    assert on_its_page == in_the_report == {"punctuality", "id_before_entry"}


def test_every_visit_s_standards_in_the_export_are_those_on_its_own_page(client, world, auth_headers, now):
    """The report and export read plain rows, the visit page the ORM visit: the same rules give the same verdicts."""
    side = world.a
    start = _days_ago(now, 6)
    visits_made = [
        done(side, _days_ago(now, 2)),
        done(side, _days_ago(now, 3), late=timedelta(hours=3), id_shown=False),
        done(side, _days_ago(now, 4), answers={**factories.answers_for(), "cleaned_up": False}),
        no_access(side, _days_ago(now, 5), card_left=False, waited_minutes=3),
        no_access(side, _days_ago(now, 5)),
        missed(side, start, repair_reference="R-MISSED"),
        missed(side, start + timedelta(hours=3), repair_reference="R-MISSED"),
        missed(side, start + timedelta(hours=6), repair_reference="R-MISSED"),
        _visit(side, _days_ago(now, 1)),  # booked, nobody came: the window has passed
        _visit(side, _days_ago(now, 1)),
        done(side, _days_ago(now, 1), kind="planned_works", planned_works_notice_on=_days_ago(now, 4).date()),
        done(side, _days_ago(now, 7), kind="planned_works", planned_works_notice_on=_days_ago(now, 40).date()),
        _visit(side, _days_ago(now, 1), kind="planned_works"),
    ]
    visits.cancel_visit(visits_made[9].id, "Tenant away", side.contractor_manager, now=utcnow())
    headers = auth_headers(side.landlord_manager)

    text = client.get("/api/v1/exports/visits.csv", headers=headers).get_data(as_text=True).removeprefix("\ufeff")
    exported = {row["Visit id"]: row for row in csv.DictReader(io.StringIO(text))}
    columns = dict(zip(exports._STANDARD_KEYS, exports.VISIT_COLUMNS[14:], strict=False))
    assert len(exported) == len(visits_made)
    for visit in visits_made:
        page = client.get(f"/api/v1/visits/{visit.id}", headers=headers).json
        on_its_page = {result["key"]: result["met"] for result in page["standards"]}
        row = exported[str(visit.id)]
        in_the_export = {key: row[column] for key, column in columns.items() if row[column]}
        expected = {key: "yes" if met else "no" for key, met in on_its_page.items() if met is not None}
        assert in_the_export == expected, visit.repair_reference


def _csv_rows(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")  # so Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_report_as_a_spreadsheet_has_a_row_a_standard_with_the_json_figures(client, world, auth_headers, now):
    side = world.a
    done(side, _days_ago(now, 2))
    done(side, _days_ago(now, 3), late=timedelta(hours=3), id_shown=False)
    no_access(side, _days_ago(now, 4), card_left=False)
    headers = auth_headers(side.landlord_manager)

    as_json = client.get(URL, headers=headers).json["items"]
    response = client.get(URL, query_string={"format": "csv"}, headers=headers)
    rows = _csv_rows(response)

    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="standards-{_days_ago(now, 28):%Y-%m-%d}-to-{now:%Y-%m-%d}.csv"'
    )
    assert list(rows[0]) == ["key", "label", "target", "achieved", "met", "total", "missed_count"]
    assert [row["key"] for row in rows] == [item["key"] for item in as_json]
    for row, item in zip(rows, as_json, strict=True):
        assert row["label"] == item["label"]
        assert (int(row["met"]), int(row["total"]), int(row["missed_count"])) == (
            item["met"],
            item["total"],
            item["missed_count"],
        )
        assert row["achieved"] == ("" if item["achieved"] is None else str(item["achieved"]))
        assert row["target"] == ("" if item["target"] is None else str(item["target"]))
    id_shown = next(row for row in rows if row["key"] == "id_before_entry")
    assert (id_shown["met"], id_shown["total"], id_shown["missed_count"], id_shown["achieved"]) == (
        "1",
        "2",
        "1",
        "0.5",
    )


def test_the_spreadsheet_names_the_range_asked_for(client, world, auth_headers):
    response = client.get(
        URL,
        query_string={"from": "2026-11-01", "to": "2026-11-30", "format": "csv"},
        headers=auth_headers(world.a.landlord_manager),
    )

    assert response.headers["Content-Disposition"] == 'attachment; filename="standards-2026-11-01-to-2026-11-30.csv"'


@pytest.mark.parametrize(
    ("accept", "query", "mimetype"),
    [
        ("text/csv", {}, "text/csv"),
        ("text/csv, application/json;q=0.5", {}, "text/csv"),
        ("application/json", {}, "application/json"),
        ("*/*", {}, "application/json"),
        (None, {}, "application/json"),
        ("text/csv", {"format": "json"}, "application/json"),
        ("application/json", {"format": "csv"}, "text/csv"),
    ],
)
def test_csv_when_asked_for_by_accept_or_format_and_json_otherwise(
    client, world, auth_headers, accept, query, mimetype
):
    headers = auth_headers(world.a.landlord_manager) | ({"Accept": accept} if accept else {})

    response = client.get(URL, query_string=query, headers=headers)

    assert response.status_code == 200
    assert response.mimetype == mimetype


def test_an_unknown_format_is_refused(client, world, auth_headers):
    response = client.get(URL, query_string={"format": "xlsx"}, headers=auth_headers(world.a.landlord_manager))

    assert response.status_code == 422
    assert response.json["code"] == "validation_failed"
    assert "format" in response.json["errors"]


def test_the_spreadsheet_keeps_the_report_s_permissions(client, world, auth_headers):
    csv_headers = {"Accept": "text/csv"}
    operative = client.get(URL, headers=auth_headers(world.a.operative) | csv_headers)
    foreign = client.get(
        URL,
        query_string={"contract": world.b.contract.id},
        headers=auth_headers(world.a.landlord_manager) | csv_headers,
    )

    assert (operative.status_code, operative.json["code"]) == (403, "forbidden")
    assert (foreign.status_code, foreign.json["code"]) == (404, "not_found")


def test_the_openapi_documents_the_spreadsheet(client):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/reports/standards"]["get"]

    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    assert "format" in {parameter["name"] for parameter in operation["parameters"]}
