"""The report's SQL verdicts are the visit page's rules: visit by visit, at every edge, on both databases.

The visit page runs server.services.standards.for_visit on the visit; the standards report counts a year of
visits with standards.sql_verdicts inside reports.visit_verdicts. Each case below sits on an edge of a
rule (a microsecond either side of the punctuality slack, an answer that is null, missing or not a
boolean), for a contract with the default rules and one with its own slack and switches.
"""

import secrets
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import ChecklistTemplate, NoAccessAttempt, Visit, VisitReport, VisitStatus
from server.schemas.standards import validated_standards
from server.services import reports, standards
from tests import factories

US = timedelta(microseconds=1)
ANSWERS = [True, False, None, "yes", "true", 1, 0, [], {"a": True}]


@pytest.fixture
def now():
    return datetime(2026, 12, 1, 9, 30, 15, 250000, tzinfo=UTC)


def _cases(side, contract, now: datetime) -> None:
    """Visits on `contract` at each rule's edges."""
    slack = timedelta(minutes=contract.standards["punctuality_minutes"])
    template = db.session.scalar(sa.select(ChecklistTemplate).where(ChecklistTemplate.contract_id == contract.id))
    home = factories.home(side.landlord)

    def visit(start: datetime, **fields) -> Visit:
        return factories.visit(
            contract, home, side.operative, window_start=start, window_end=start + timedelta(hours=2), **fields
        )

    def report(made: Visit, answers: dict) -> None:
        db.session.add(
            VisitReport(visit_id=made.id, template_id=template.id, answers=answers, submitted_by=side.operative.id)
        )

    def attempt(made: Visit, at: datetime, waited: int, card_left: bool = True) -> None:
        db.session.add(
            NoAccessAttempt(
                visit_id=made.id,
                recorded_by=side.operative.id,
                attempted_at=at,
                waited_minutes=waited,
                required_wait_minutes=10,
                card_left=card_left,
                card_serial=secrets.token_hex(8),
            )
        )

    start = (now - timedelta(days=2)).replace(microsecond=0)
    end = start + timedelta(hours=2)
    odd = start + timedelta(microseconds=123456)  # a window that does not start on a whole second
    completed = VisitStatus.COMPLETED
    for arrival in (
        start - slack,
        start - slack - US,
        start - slack - timedelta(microseconds=999999),
        start,
        end + slack,
        end + slack + US,
        end + slack - US,
        end + slack + timedelta(seconds=59, microseconds=999999),
    ):
        visit(start, status=completed, arrived_at=arrival, id_shown_at=arrival)
    for arrival in (odd - slack, odd - slack - US, odd + timedelta(hours=2) + slack + US):
        visit(odd, status=completed, arrived_at=arrival, id_shown_at=arrival)
    # British Summer Time ends at 01:00 UTC on 25 October 2026: the rules count in UTC either side of it.
    autumn = datetime(2026, 10, 25, 0, 50, tzinfo=UTC)
    visit(autumn, status=completed, arrived_at=autumn - slack, id_shown_at=autumn)
    visit(autumn, status=completed, arrived_at=autumn + timedelta(hours=2) + slack + US)
    # Arrived, ID not shown yet, or never; missed, cancelled, or not come yet.
    visit(start, status=VisitStatus.IN_PROGRESS, arrived_at=start)
    visit(start, status=VisitStatus.IN_PROGRESS, arrived_at=start, id_shown_at=start)
    visit(start, status=completed, arrived_at=start)
    visit(start, status=VisitStatus.MISSED, missed_at=end)
    visit(start, status=VisitStatus.MISSED, missed_at=end, arrived_at=start)
    visit(start, status=VisitStatus.CANCELLED)
    visit(start, status=VisitStatus.CANCELLED, arrived_at=end + slack + US)
    visit(now - timedelta(hours=2) - slack, status=VisitStatus.SCHEDULED)  # the window's slack ends now
    visit(now - timedelta(hours=2) - slack - US, status=VisitStatus.SCHEDULED)
    visit(now + timedelta(hours=1), status=VisitStatus.SCHEDULED)
    # No access: the attempt's time is the arrival; waited just long enough or not; a card or none.
    for at, waited, card_left in ((start - slack, 10, True), (end + slack + US, 9, False), (end, 11, True)):
        attempt(visit(start, status=VisitStatus.NO_ACCESS), at, waited, card_left)
    # The report's checklist: each answer the rules may meet, a missing one, and no report at all.
    for answer in ANSWERS:
        made = visit(start, status=completed, arrived_at=start, id_shown_at=start)
        report(made, {"overshoes_and_dust_sheets": answer, "cleaned_up": answer})
    report(visit(start, status=completed, arrived_at=start, id_shown_at=start), {})
    report(visit(start, status=completed, arrived_at=start), {"cleaned_up": True})
    db.session.flush()


@pytest.fixture
def cases(world, now):
    side = world.a
    own_rules = factories.contract(
        side.landlord,
        side.contractor,
        standards=validated_standards(
            {"punctuality_minutes": 5, "id_before_entry": False, "clean_up": False, "calling_card_on_no_access": False}
        ),
    )
    for contract in (side.contract, own_rules):
        _cases(side, contract, now)
    db.session.expire_all()  # the visits read their report and attempt afresh
    return reports.scope(side.landlord_manager, {"from_": now - timedelta(days=400), "to": now + timedelta(days=1)})


def _on_their_pages(found: reports.Scope, now: datetime) -> dict:
    visits = db.session.scalars(found.visits.order_by(Visit.window_start, Visit.id)).all()
    return {visit.id: {r.key: r.met for r in standards.for_visit(visit, now)} for visit in visits}


def test_each_visit_s_sql_verdicts_are_its_page_s(cases, now):
    keys = list(standards.sql_verdicts(validated_standards({}), now))
    pages = _on_their_pages(cases, now)

    rows = db.session.execute(reports.visit_verdicts(cases, now)).all()

    assert len(rows) == len(pages) > 70
    for row in rows:
        in_sql = {key: getattr(row, key) for key in keys}
        assert in_sql == {key: pages[row.id].get(key) for key in keys}, row.repair_reference
    judged = {key: {met for page in pages.values() if (met := page.get(key)) is not None} for key in keys}
    assert all(verdicts == {True, False} for verdicts in judged.values())  # every rule met and missed somewhere


def test_the_report_adds_up_the_visit_pages(cases, world, now):
    pages = _on_their_pages(cases, now)

    report = reports.standards_report(world.a.landlord_manager, {"from_": cases.start, "to": cases.end}, now)

    for figure in report["items"]:
        if figure.key not in standards.sql_verdicts(validated_standards({}), now):
            continue
        judged = [(visit_id, met) for visit_id, page in pages.items() if (met := page.get(figure.key)) is not None]
        assert (figure.met, figure.total) == (sum(met for _, met in judged), len(judged)), figure.key
        assert [entry["id"] for entry in figure.missed] == [visit_id for visit_id, met in judged if not met][:50]


def test_the_report_lists_the_first_fifty_that_missed_by_booked_time(world, now):
    side = world.a
    home = factories.home(side.landlord)
    late = []
    for n in range(53):
        start = (now - timedelta(days=3)).replace(microsecond=0) + timedelta(minutes=n)
        late.append(
            factories.visit(
                side.contract,
                home,
                side.operative,
                window_start=start,
                window_end=start + timedelta(hours=2),
                status=VisitStatus.COMPLETED,
                arrived_at=start + timedelta(hours=3),
                id_shown_at=start + timedelta(hours=3),
            )
        )
    filters = {"from_": now - timedelta(days=7), "to": now}

    report = reports.standards_report(side.landlord_manager, filters, now)

    punctuality = next(figure for figure in report["items"] if figure.key == "punctuality")
    assert (punctuality.met, punctuality.total, punctuality.missed_count) == (0, 53, 53)
    assert punctuality.missed == [{"id": v.id, "repair_reference": v.repair_reference} for v in late[:50]]
