"""CSV for the managers' spreadsheets: visits and concerns, streamed a chunk of rows at a time, and the standards.

The scope, the permissions and each visit's standards are the standards report's (server.services.reports).
Cells a spreadsheet would run as a formula are neutralised, and the file starts with a byte order mark
so Excel reads Welsh, Polish or Urdu names as UTF-8.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import lazyload

from server.extensions import db
from server.london_time import LONDON, london_date
from server.models import SENSITIVE_CATEGORIES, Concern, User, Visit
from server.services import audit, concerns, reports
from server.services.reports import CHUNK, LABELS
from server.services.standards import VisitFacts

BOM = "\ufeff"
# A leading = + - @ (or a tab or carriage return, which some spreadsheets skip before one) starts a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_STANDARD_KEYS = [
    "punctuality",
    "id_before_entry",
    "overshoes_and_dust_sheets",
    "clean_up",
    "planned_works_notice",
    "no_access_wait",
    "calling_card",
    "missed_appointments",
]
VISIT_COLUMNS = [
    "Job reference",
    "Contract",
    "Landlord",
    "Contractor",
    "Operative",
    "Kind",
    "Address",
    "Postcode",
    "Booked from",
    "Booked to",
    "Status",
    "Arrived",
    "ID shown",
    "Departed",
    *(LABELS.get(key, "Repair within its missed-appointment allowance") for key in _STANDARD_KEYS),
    "Tenant satisfaction",
    "Visit id",
]
# The JSON report's own names, so a spreadsheet and a script read the same figures.
STANDARD_COLUMNS = ["key", "label", "target", "achieved", "met", "total", "missed_count"]
CONCERN_COLUMNS = [
    "Job reference",
    "Contract",
    "Landlord",
    "Contractor",
    "Category",
    "Severity",
    "Status",
    "Raised",
    "Due",
    "Acknowledged",
    "Resolved",
    "Acknowledged on time",
    "Resolved on time",
    "Description",
    "Acknowledge note",
    "Resolution note",
    "Concern id",
    "Visit id",
]


def safe_cell(value) -> str:
    """The cell's text, with a formula's leading character made literal (OWASP's CSV injection advice)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _london(moment: datetime | None) -> str:
    return moment.astimezone(LONDON).strftime("%Y-%m-%d %H:%M") if moment else ""


def _yes_no(met: bool | None) -> str:
    return "" if met is None else ("yes" if met else "no")


def _csv(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield BOM + _drain(buffer)
    for n, row in enumerate(rows, start=1):
        writer.writerow([safe_cell(value) for value in row])
        if n % CHUNK == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _filename(kind: str, start: datetime, end: datetime) -> str:
    last_day = london_date(end - timedelta(microseconds=1))  # `to` is exclusive
    return f"{kind}-{london_date(start):%Y-%m-%d}-to-{last_day:%Y-%m-%d}.csv"


def _visit_row(visit: VisitFacts, results: list, home: sa.Row) -> list:
    met = {result.key: result.met for result in results}
    contract = visit.contract
    satisfaction = visit.report.answers.get("satisfaction") if visit.report else None
    return [
        visit.repair_reference,
        contract.reference,
        contract.landlord.name,
        contract.contractor.name,
        home.operative_name or "",
        visit.kind.value,
        ", ".join(part for part in (home.house, home.street, home.town) if part),
        home.postcode,
        _london(visit.window_start),
        _london(visit.window_end),
        visit.status.value,
        _london(visit.arrived_at),
        _london(visit.id_shown_at),
        _london(visit.departed_at),
        *(_yes_no(met.get(key)) for key in _STANDARD_KEYS),
        satisfaction or "",
        visit.id,
    ]


def _streamed_scope(actor: User, filters: dict):
    """The scope again, for the rows: they are read after the request's session has committed and closed."""
    actor_id = actor.id

    def again() -> reports.Scope:
        return reports.scope(db.session.get(User, actor_id), filters)

    return again


def visits_csv(actor: User, filters: dict, now: datetime) -> tuple[str, Iterator[str]]:
    """The visits booked in the range with each standard met yes/no: (filename, the CSV's text in chunks)."""
    found = reports.scope(actor, filters)  # refuses before the first byte is sent
    scope_again = _streamed_scope(actor, filters)

    def rows():
        for visit, results, home in reports.visits_with_results(scope_again(), now, for_export=True):
            yield _visit_row(visit, results, home)

    return _filename("visits", found.start, found.end), _csv(VISIT_COLUMNS, rows())


def _concerns_query(found: reports.Scope) -> sa.Select:
    return sa.select(Concern).join(Visit, Visit.id == Concern.visit_id).where(found.visits.whereclause)


def _log_sensitive_reads(actor: User, found: reports.Scope, now: datetime) -> set:
    """Log, before streaming, each special-category text the file will hold (a stream commits nothing)."""
    sensitive = _concerns_query(found).where(Concern.category.in_(SENSITIVE_CATEGORIES))
    logged = set()
    for concern in db.session.scalars(sensitive):  # with its visit and contract, which the rule reads
        if concerns.readable_text(concern, actor) is not None:
            audit.log_read(actor, "concern", concern.id, "description", "concerns export", now)
            logged.add(concern.id)
    return logged


def _concern_row(concern: Concern, reference: str, contract, description: str | None, now: datetime) -> list:
    return [
        reference,
        contract.reference,
        contract.landlord.name,
        contract.contractor.name,
        concern.category.value,
        concern.severity.value,
        concern.status,
        _london(concern.raised_at),
        _london(concern.due_at),
        _london(concern.acknowledged_at),
        _london(concern.resolved_at),
        _yes_no(concerns.acknowledged_on_time(concern, now)),
        _yes_no(concerns.resolved_on_time(concern, now)),
        "(restricted)" if description is None else description,
        concern.acknowledge_note,
        concern.resolution_note,
        concern.id,
        concern.visit_id,
    ]


def concerns_csv(actor: User, filters: dict, now: datetime) -> tuple[str, Iterator[str]]:
    """The concerns on visits booked in the range; special-category text only where the reader may read it."""
    found = reports.scope(actor, filters)
    logged = _log_sensitive_reads(actor, found, now)
    scope_again = _streamed_scope(actor, filters)

    def rows():
        found = scope_again()
        query = (
            _concerns_query(found)
            .add_columns(Visit.repair_reference, Visit.contract_id)
            .options(lazyload(Concern.visit))
            .order_by(Concern.raised_at, Concern.id)
        )
        for concern, reference, contract_id in db.session.execute(query.execution_options(yield_per=CHUNK)):
            readable = concern.id in logged if concern.is_sensitive else True
            contract = found.contracts[contract_id]
            yield _concern_row(concern, reference, contract, concern.description if readable else None, now)

    return _filename("concerns", found.start, found.end), _csv(CONCERN_COLUMNS, rows())


def standards_csv(actor: User, filters: dict, now: datetime) -> tuple[str, Iterator[str]]:
    """The standards report's figures as a spreadsheet, a row a standard: (filename, the CSV's text)."""
    report = reports.standards_report(actor, filters, now)
    rows = (
        [item.key, item.label, item.target, item.achieved, item.met, item.total, item.missed_count]
        for item in report["items"]
    )
    return _filename("standards", report["from_"], report["to"]), _csv(STANDARD_COLUMNS, rows)
